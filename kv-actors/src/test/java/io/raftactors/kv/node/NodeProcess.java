package io.raftactors.kv.node;

import io.raftactors.testkit.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A raft-kv node in a JVM of its own, started from {@code kv-actors/target/raft-kv.jar} with a
 * {@code conf/nodeN.conf} file and {@code -D} overrides, as an operator would start it. Its
 * output goes to a log file per incarnation.
 */
final class NodeProcess {
  final String id;
  final int raftPort;
  final int respPort;
  /** Its HTTP console's port. */
  final int httpPort;
  private final List<String> command;
  private final Path logDir;
  private final Map<String, String> environment = new HashMap<>();
  private static final java.util.concurrent.atomic.AtomicInteger STARTS = new java.util.concurrent.atomic.AtomicInteger();
  private String logName;
  private Process process;

  NodeProcess(String id, Path conf, String members, int raftPort, int respPort, Path dataDir, Path logDir,
      List<String> extraOptions) throws IOException {
    this.id = id;
    this.raftPort = raftPort;
    this.respPort = respPort;
    this.httpPort = LoopbackPorts.free();
    this.logDir = logDir;
    String java = ProcessHandle.current().info().command().orElse("java");
    command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m",
        "-Dconfig.file=" + conf.toAbsolutePath(),
        "-Draft.members=" + members,
        "-Dakka.remote.artery.canonical.port=" + raftPort,
        "-Dkv.resp.port=" + respPort, "-Dkv.http.port=" + httpPort,
        "-Draft.data-dir=" + dataDir.toAbsolutePath()));
    command.addAll(extraOptions);
    command.addAll(List.of("-jar", jar().toString()));
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("raft.kv.jar", "target/raft-kv.jar"));
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar.toAbsolutePath() + " missing: run `mvn package`");
    return jar;
  }

  /**
   * Nodes n1..n3 from {@code conf/node1..3.conf} on free loopback ports, data under
   * {@code dataDir/nN}, logs in {@code logDir}; not started yet.
   */
  static List<NodeProcess> threeNodes(Path dataDir, Path logDir) throws IOException {
    return threeNodes(dataDir, logDir, List.of());
  }

  /** {@link #threeNodes(Path, Path)} with more {@code -D} options for every node. */
  static List<NodeProcess> threeNodes(Path dataDir, Path logDir, List<String> options) throws IOException {
    int[] raft = {LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free()};
    String members = "n1@127.0.0.1:" + raft[0] + ",n2@127.0.0.1:" + raft[1] + ",n3@127.0.0.1:" + raft[2];
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(new NodeProcess("n" + (i + 1), Path.of("..", "conf", "node" + (i + 1) + ".conf"), members, raft[i],
          LoopbackPorts.free(), dataDir.resolve("n" + (i + 1)), logDir, options));
    }
    return nodes;
  }

  /** A leader among {@code candidates}, with a term above {@code aboveTerm} if given. */
  static String awaitLeader(List<NodeProcess> candidates, Long aboveTerm, Duration timeout)
      throws InterruptedException {
    return awaitLeaderInfo(candidates, aboveTerm, timeout).get("node_id");
  }

  /**
   * The {@code INFO raft} of a leader among {@code candidates} (with a term above {@code aboveTerm}
   * if given): its id and term come from one answer, so they belong together even if leadership
   * moves on right after.
   */
  static Map<String, String> awaitLeaderInfo(List<NodeProcess> candidates, Long aboveTerm, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (NodeProcess n : candidates) {
        Map<String, String> info = n.infoRaft();
        if ("leader".equals(info.get("role"))
            && (aboveTerm == null || Long.parseLong(info.get("term")) > aboveTerm)) {
          return info;
        }
      }
      Thread.sleep(50);
    }
    StringBuilder seen = new StringBuilder();
    for (NodeProcess n : candidates) seen.append("\n").append(n.describe());
    throw new AssertionError("no leader among " + candidates.stream().map(n -> n.id).toList() + " within " + timeout
        + seen);
  }

  /** Waits until {@code n} applied everything the leader among {@code cluster} had committed when we started. */
  static void awaitCaughtUp(NodeProcess n, List<NodeProcess> cluster, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long target = -1;
    while (System.nanoTime() < deadline) {
      if (target < 0) {
        for (NodeProcess m : cluster) {
          Map<String, String> info = m.infoRaft();
          if ("leader".equals(info.get("role"))) target = Long.parseLong(info.get("commit_index"));
        }
      } else {
        Map<String, String> info = n.infoRaft();
        if (info.containsKey("last_applied") && Long.parseLong(info.get("last_applied")) >= target) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(n.id + " did not catch up to " + target + ": " + n.describe());
  }


  void start() throws IOException {
    logName = id + "-" + STARTS.incrementAndGet() + ".log";
    Files.createDirectories(logDir);
    Path log = logDir.resolve(logName);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    process = builder.start();
  }

  /** An environment variable for the next start. */
  NodeProcess env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  Path log() {
    return logDir.resolve(logName);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Kills every node still running (resuming a paused one first), as a test's clean-up. */
  static void killAll(List<NodeProcess> nodes) throws InterruptedException {
    for (NodeProcess n : nodes) {
      if (n.alive()) {
        try {
          n.signal("CONT");
        } catch (IOException | RuntimeException e) {
          // it exited meanwhile; kill() below is then a no-op
        }
        n.kill();
      }
    }
  }

  /** SIGTERM; the exit code, or -1 if it did not exit in time (then it is killed). */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return process.exitValue();
    process.destroyForcibly();
    return -1;
  }

  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " failed");
  }

  Jedis client() {
    return new Jedis("127.0.0.1", respPort, 10_000);
  }

  /** Waits until the RESP listener answers PING. */
  void awaitServing(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException(id + " exited: " + Files.readString(log()));
      try (Jedis j = new Jedis("127.0.0.1", respPort, 2_000)) {
        if ("PONG".equals(j.ping())) return;
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(id + " not serving RESP after " + timeout + ": " + last + "\n" + Files.readString(log()));
  }

  /**
   * For a failed test's message: {@code INFO raft} (empty when the node does not answer), whether the
   * process runs (or its exit code), and the end of its log.
   */
  String describe() {
    String state = process == null ? "not started" : process.isAlive() ? "running" : "exited " + process.exitValue();
    String tail;
    try {
      List<String> lines = Files.readAllLines(log());
      tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      tail = "(no log: " + e + ")";
    }
    return id + " (" + state + ") INFO raft " + infoRaft() + "; the end of its log " + log() + ":\n" + tail;
  }

  /** {@code INFO raft} as a map, or an empty map when the node does not answer. */
  Map<String, String> infoRaft() {
    Map<String, String> fields = new HashMap<>();
    try (Jedis j = new Jedis("127.0.0.1", respPort, 2_000)) {
      for (String line : j.info("raft").split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    } catch (Exception e) {
      // not answering
    }
    return fields;
  }
}
