package io.raftactors.bench.compare;

import io.raftactors.testkit.LoopbackPorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three raft-kv node JVMs from the kv-actors shaded jar, as an operator starts them
 * ({@code java -Dconfig.file=conf/nodeN.conf -D... -jar raft-kv.jar}): free loopback ports, a
 * fresh data directory per node (file journal, fsync on: the default), the leader found with
 * {@code INFO raft} over RESP.
 */
final class RaftKvCluster implements AutoCloseable {
  private final Servers servers;
  private final Path jar;
  private final Path confDir;
  private final List<String> jvmOptions;
  private final String[] ids = {"n1", "n2", "n3"};
  private final int[] raftPorts = new int[3];
  private final int[] respPorts = new int[3];
  private final long[] pids = new long[3];
  private final List<List<String>> commands = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
  private final Process[] processes = new Process[3];
  private int leader = -1;

  RaftKvCluster(Path work, String target, Path jar, Path confDir, List<String> jvmOptions) throws IOException {
    if (!Files.isRegularFile(jar)) throw new IllegalArgumentException(jar + " missing: run `mvn -B -ntp -DskipTests package`");
    this.servers = new Servers(work, target);
    this.jar = jar;
    this.confDir = confDir;
    this.jvmOptions = jvmOptions;
  }

  void start() throws Exception {
    for (int i = 0; i < 3; i++) {
      raftPorts[i] = LoopbackPorts.free();
      respPorts[i] = LoopbackPorts.free();
    }
    String members = "n1@127.0.0.1:" + raftPorts[0] + ",n2@127.0.0.1:" + raftPorts[1] + ",n3@127.0.0.1:" + raftPorts[2];
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < 3; i++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(jvmOptions);
      cmd.addAll(classDataArchive(jar, jvmOptions));
      cmd.addAll(List.of("-Dconfig.file=" + confDir.resolve("node" + (i + 1) + ".conf").toAbsolutePath(),
          "-Draft.members=" + members,
          "-Dakka.remote.artery.canonical.port=" + raftPorts[i],
          "-Dkv.resp.port=" + respPorts[i], "-Dkv.http.port=0",
          "-Draft.data-dir=" + servers.dir().resolve(ids[i]).toAbsolutePath(),
          "-jar", jar.toAbsolutePath().toString()));
      commands.set(i, cmd);
      processes[i] = servers.start(ids[i], cmd);
      pids[i] = processes[i].pid();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    awaitLeader(deadline);
    // a write through the leader, so that the cluster is known to commit
    while (true) {
      try {
        RespKv.call(resp(leader), 10_000, "SET", "compare-ready", "1");
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(200);
      }
    }
  }

  /** Finds the leader again (it may have changed since the start), waiting up to 30 s for one. */
  void findLeader() throws InterruptedException {
    leader = -1;
    awaitLeader(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
  }

  private void awaitLeader(long deadline) throws InterruptedException {
    while (leader < 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("raft-kv: no leader within 60 s; n1's log:\n" + servers.logTail("n1"));
      }
      servers.checkAlive();
      for (int i = 0; i < 3 && leader < 0; i++) {
        if ("leader".equals(infoRaft(i).get("role"))) leader = i;
      }
      if (leader < 0) Thread.sleep(200);
    }
  }

  /**
   * The class-data archive bin/raft-kv makes next to the jar ({@code raft-kv.jsa}), when it is
   * there and newer than the jar and the options do not choose otherwise: nodes start as bin/raft-kv
   * starts them.
   */
  static List<String> classDataArchive(Path jar, List<String> jvmOptions) {
    Path jsa = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + ".jsa");
    boolean chosen = jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-Xshare"));
    try {
      if (!chosen && Files.isRegularFile(jsa)
          && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        return List.of("-XX:SharedArchiveFile=" + jsa.toAbsolutePath());
      }
    } catch (IOException e) {
      // no archive then
    }
    return List.of();
  }

  /** {@code INFO raft} of node i, or an empty map when it does not answer. */
  Map<String, String> infoRaft(int i) {
    return info(i, "raft");
  }

  private Map<String, String> info(int i, String section) {
    Map<String, String> fields = new LinkedHashMap<>();
    try {
      Object r = RespKv.call(resp(i), 2_000, "INFO", section);
      for (String line : new String((byte[]) r, StandardCharsets.UTF_8).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    } catch (IOException | RuntimeException e) {
      // not answering yet
    }
    return fields;
  }

  /** Entries per fsync and per AppendEntries of each node, from {@code INFO raftstats}; a node that does not answer is left out. */
  Map<String, BatchStats> batchStats() {
    Map<String, BatchStats> out = new LinkedHashMap<>();
    for (int i : leaderFirst()) {
      Map<String, String> fields = info(i, "raftstats");
      BatchStats.METRICS.forEach((label, metric) -> {
        String v = fields.get(metric);
        if (v != null) out.put(ids[i] + (i == leader ? "(L)" : "") + " " + label, BatchStats.parse(v));
      });
    }
    return out;
  }

  /** Kills node i with SIGKILL (a crash: nothing is flushed or handed over) and waits for it to exit. */
  void crash(int i) throws InterruptedException {
    servers.crash(processes[i]);
  }

  /** Starts node i again, as it was started first, on its data; its log goes on in the same file. */
  void restart(int i) throws IOException {
    processes[i] = servers.start(ids[i], commands.get(i));
    pids[i] = processes[i].pid();
  }

  String id(int i) {
    return ids[i];
  }

  /** Data directory of node i (journal and snapshots). */
  Path dataDir(int i) {
    return servers.dir().resolve(ids[i]);
  }

  InetSocketAddress resp(int i) {
    return new InetSocketAddress("127.0.0.1", respPorts[i]);
  }

  /** Node indexes, the leader first. */
  List<Integer> leaderFirst() {
    List<Integer> order = new ArrayList<>(List.of(leader));
    for (int i = 0; i < 3; i++) if (i != leader) order.add(i);
    return order;
  }

  List<InetSocketAddress> respLeaderFirst() {
    return leaderFirst().stream().map(this::resp).toList();
  }

  /** {@code akka://raft-kv@127.0.0.1:PORT/user/kv} of each node, the leader first: its KvNode. */
  List<String> replicaPathsLeaderFirst() {
    return leaderFirst().stream().map(i -> "akka://raft-kv@127.0.0.1:" + raftPorts[i] + "/user/kv").toList();
  }

  Map<String, Long> pids() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) m.put(ids[i] + (i == leader ? "(L)" : ""), pids[i]);
    return m;
  }

  List<Long> pidsLeaderFirst() {
    return leaderFirst().stream().map(i -> pids[i]).toList();
  }

  String leaderId() {
    return leader < 0 ? "?" : ids[leader];
  }

  void checkAlive() {
    servers.checkAlive();
  }

  @Override
  public void close() throws IOException {
    servers.close();
  }

  /** Stops the nodes; keeps their logs when asked. */
  void close(boolean keepLogs) throws IOException {
    servers.close(keepLogs);
  }
}
