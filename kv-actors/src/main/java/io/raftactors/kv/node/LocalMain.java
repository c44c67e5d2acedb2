package io.raftactors.kv.node;

import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.resp.RespSettings;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.PathPeers;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code raft-kv local}: a 3-node cluster on this machine, reachable with any Redis client on
 * ports 7001-7003, data under {@code ./data}. By default the three nodes share this JVM; with
 * {@code --processes} each is a JVM of its own, started from {@code conf/node1.conf} ..
 * {@code conf/node3.conf}.
 */
public final class LocalMain {
  private LocalMain() {}

  public static int embedded(Path dataDir, int basePort) throws Exception {
    ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), NodeConfig.SYSTEM,
        ConfigFactory.parseString("akka.actor.provider = local").withFallback(NodeConfig.loadConfig()));
    List<String> members = List.of("n1", "n2", "n3");
    Map<String, String> paths = new LinkedHashMap<>();
    for (String id : members) paths.put(id, "akka://" + NodeConfig.SYSTEM + "/user/kv-" + id + "/raft");
    PathPeers peers = new PathPeers(system, paths);
    RespSettings defaults = RespSettings.fromRoot(system.settings().config());
    List<RunningNode> nodes = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      String id = members.get(i);
      RespSettings resp = new RespSettings(defaults.host(), basePort + i, defaults.password(),
          defaults.maxBulkLength(), defaults.maxMultibulkLength(), defaults.maxConnections(),
          defaults.idleTimeout(), defaults.pipelineDepth(), defaults.requestTimeout());
      RunningNode node = RunningNode.start(system, "kv-" + id, id, members, peers, dataDir.resolve(id), resp);
      nodes.add(node);
      System.out.println(id + ": RESP " + resp.host() + ":" + node.respAddress().getPort() + ", data "
          + dataDir.resolve(id));
    }
    String leader = awaitLeader(system, paths);
    System.out.println(leader == null ? "no leader yet" : "leader: " + leader);
    System.out.println("try: redis-cli -p " + basePort + " SET greeting hello;  redis-cli -p " + (basePort + 1)
        + " GET greeting;  redis-cli -p " + basePort + " INFO raft   (Ctrl-C stops the cluster)");
    for (RunningNode n : nodes) n.stopped().toCompletableFuture().join();
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }

  private static String awaitLeader(ActorSystem<?> system, Map<String, String> paths) throws Exception {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      for (String path : paths.values()) {
        NodeStatus s = AskPattern.<RaftNode.Command, NodeStatus>ask(resolver.resolveActorRef(path), GetStatus::new,
            Duration.ofSeconds(2), system.scheduler()).toCompletableFuture().get(3, TimeUnit.SECONDS);
        if (s.role() == Role.LEADER) return s.nodeId() + " (term " + s.term() + ")";
      }
      Thread.sleep(100);
    }
    return null;
  }

  /** Three node JVMs from {@code conf/node1.conf} .. {@code conf/node3.conf}; Ctrl-C stops them. */
  public static int processes(Path confDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String jar = new File(LocalMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<Process> children = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> children.forEach(Process::destroy)));
    for (int i = 1; i <= 3; i++) {
      Path conf = confDir.resolve("node" + i + ".conf");
      if (!conf.toFile().isFile()) {
        System.err.println("raft-kv: " + conf + " not found (run from the project directory)");
        children.forEach(Process::destroy);
        return 2;
      }
      children.add(new ProcessBuilder(java, "-Dconfig.file=" + conf, "-jar", jar).inheritIO().start());
    }
    System.out.println("started 3 node JVMs (pids " + children.stream().map(p -> Long.toString(p.pid())).toList()
        + "); RESP on 127.0.0.1:7001-7003; try: redis-cli -p 7001 INFO raft");
    int exit = 0;
    for (Process p : children) exit = Math.max(exit, p.waitFor());
    return exit;
  }
}
