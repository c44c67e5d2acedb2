package io.raftactors.kv.node;

import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.resp.RespSettings;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.PathPeers;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes in one actor system, each with its own data directory and RESP listener: what
 * {@code raft-kv local} runs, and what the RESP tests run against.
 */
public final class LocalCluster implements AutoCloseable {
  private final ActorSystem<SpawnProtocol.Command> system;
  private final Map<String, String> raftPaths;
  private final List<RunningNode> nodes;

  private LocalCluster(ActorSystem<SpawnProtocol.Command> system, Map<String, String> raftPaths,
      List<RunningNode> nodes) {
    this.system = system;
    this.raftPaths = raftPaths;
    this.nodes = nodes;
  }

  /**
   * Starts nodes n1..n{@code size}; node i's RESP listener on {@code basePort + i - 1} (all on
   * free ports when {@code basePort} is 0), its data in {@code dataDir/n<i>}. {@code overrides}
   * take precedence over the node configuration (e.g. {@code kv.resp.password}).
   */
  public static LocalCluster start(int size, Path dataDir, int basePort, Config overrides) throws Exception {
    ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), NodeConfig.SYSTEM,
        overrides.withFallback(ConfigFactory.parseString("akka.actor.provider = local"))
            .withFallback(NodeConfig.loadConfig()));
    try {
      List<String> members = new ArrayList<>();
      Map<String, String> paths = new LinkedHashMap<>();
      for (int i = 1; i <= size; i++) {
        members.add("n" + i);
        paths.put("n" + i, "akka://" + NodeConfig.SYSTEM + "/user/kv-n" + i + "/raft");
      }
      PathPeers peers = new PathPeers(system, paths);
      RespSettings defaults = RespSettings.fromRoot(system.settings().config());
      List<RunningNode> nodes = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String id = members.get(i);
        RespSettings resp = new RespSettings(defaults.host(), basePort == 0 ? 0 : basePort + i,
            defaults.password(), defaults.maxBulkLength(), defaults.maxMultibulkLength(),
            defaults.maxConnections(), defaults.idleTimeout(), defaults.pipelineDepth(), defaults.requestTimeout());
        nodes.add(RunningNode.start(system, "kv-" + id, id, members, peers, dataDir.resolve(id), resp));
      }
      return new LocalCluster(system, paths, nodes);
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  public ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  public List<RunningNode> nodes() {
    return nodes;
  }

  /** RESP port of node {@code id}. */
  public int respPort(String id) {
    return nodes.stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow().respAddress().getPort();
  }

  /** The status of every node that answers within a second. */
  public List<NodeStatus> statuses() throws InterruptedException {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    List<NodeStatus> statuses = new ArrayList<>();
    for (String path : raftPaths.values()) {
      try {
        statuses.add(AskPattern.<RaftNode.Command, NodeStatus>ask(resolver.resolveActorRef(path), GetStatus::new,
            Duration.ofSeconds(1), system.scheduler()).toCompletableFuture().get(2, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // not answering: left out
      }
    }
    return statuses;
  }

  /** The leader's status, once there is one, or empty after {@code timeout}. */
  public Optional<NodeStatus> awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (NodeStatus s : statuses()) if (s.role() == Role.LEADER) return Optional.of(s);
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return Optional.empty();
  }

  /** Waits until every node stopped (the system terminated, e.g. on Ctrl-C). */
  public void awaitStopped() {
    for (RunningNode n : nodes) n.stopped().toCompletableFuture().join();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
