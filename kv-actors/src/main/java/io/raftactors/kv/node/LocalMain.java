package io.raftactors.kv.node;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code raft-kv local}: a 3-node cluster on this machine, reachable with any Redis client on
 * ports 7001-7003, data under {@code ./data}. By default the three nodes share this JVM; with
 * {@code --processes} each is a JVM of its own, started from {@code conf/node1.conf} ..
 * {@code conf/node3.conf}.
 */
public final class LocalMain {
  private LocalMain() {}

  public static int embedded(Path dataDir, int basePort) throws Exception {
    LocalCluster cluster = LocalCluster.start(3, dataDir, basePort, ConfigFactory.empty());
    for (RunningNode node : cluster.nodes()) {
      String console = cluster.consoles().stream().filter(c -> c.nodeId().equals(node.nodeId()))
          .map(c -> ", dashboard " + c.url()).findFirst().orElse("");
      System.out.println(node.nodeId() + ": RESP " + node.respAddress().getHostString() + ":"
          + node.respAddress().getPort() + console + ", data " + dataDir.resolve(node.nodeId()));
    }
    System.out.println(cluster.awaitLeader(Duration.ofSeconds(15))
        .map(s -> "leader: " + s.nodeId() + " (term " + s.term() + ")").orElse("no leader yet"));
    System.out.println("try: redis-cli -p " + basePort + " SET greeting hello;  redis-cli -p " + (basePort + 1)
        + " GET greeting;  redis-cli -p " + basePort + " INFO raft   (Ctrl-C stops the cluster)");
    cluster.consoles().stream().findFirst().ifPresent(c -> System.out.println("open " + c.url()
        + " to watch the cluster; its Crash, Restart, Isolate and load buttons break it on purpose"));
    cluster.awaitStopped();
    return 0;
  }

  /**
   * This JVM's collector, heap, class-data archive and other {@code -XX} flags (bin/raft-kv's
   * defaults and JAVA_OPTS), for the node JVMs it starts; not its system properties, which would
   * override the nodes' own configuration files.
   */
  static List<String> jvmFlagsForNodes() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm") || a.startsWith("-Xs"))
        .filter(a -> !a.startsWith("-XX:ArchiveClassesAtExit"))
        .toList();
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
      List<String> command = new ArrayList<>(List.of(java));
      command.addAll(jvmFlagsForNodes());
      command.addAll(List.of("-Dconfig.file=" + conf, "-jar", jar));
      children.add(new ProcessBuilder(command).inheritIO().start());
    }
    List<Integer> ports = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ports.add(NodeConfig.from(ConfigFactory.parseFile(confDir.resolve("node" + i + ".conf").toFile())
          .withFallback(NodeConfig.loadConfig())).resp().port());
    }
    System.out.println("started 3 node JVMs (pids " + children.stream().map(p -> Long.toString(p.pid())).toList()
        + "); RESP on 127.0.0.1 ports " + ports);
    String leader = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (leader == null && System.nanoTime() < deadline && children.stream().allMatch(Process::isAlive)) {
      for (int port : ports) {
        String info = infoRaft(port);
        if (info.contains("role:leader")) leader = "port " + port + ": " + info.lines()
            .filter(l -> l.startsWith("node_id:") || l.startsWith("term:")).toList();
      }
      Thread.sleep(200);
    }
    System.out.println(leader == null ? "no leader yet" : "leader at " + leader);
    System.out.println("try: redis-cli -p " + ports.get(0) + " INFO raft   (Ctrl-C stops the nodes)");
    int exit = 0;
    for (Process p : children) exit = Math.max(exit, p.waitFor());
    return exit;
  }

  /** {@code INFO raft} of the node at RESP {@code port}, or "" while it does not answer. */
  private static String infoRaft(int port) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      s.getOutputStream().write("INFO raft\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8));
      String header = in.readLine();
      if (header == null || !header.startsWith("$")) return "";
      char[] body = new char[Integer.parseInt(header.substring(1))];
      int read = 0;
      while (read < body.length) {
        int n = in.read(body, read, body.length - read);
        if (n < 0) break;
        read += n;
      }
      return new String(body, 0, read);
    } catch (java.io.IOException | NumberFormatException e) {
      return "";
    }
  }
}
