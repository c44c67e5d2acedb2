package io.raftactors.bench.compare;

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
      raftPorts[i] = Servers.freePort();
      respPorts[i] = Servers.freePort();
    }
    String members = "n1@127.0.0.1:" + raftPorts[0] + ",n2@127.0.0.1:" + raftPorts[1] + ",n3@127.0.0.1:" + raftPorts[2];
    String java = ProcessHandle.current().info().command().orElse("java");
    for (int i = 0; i < 3; i++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(jvmOptions);
      cmd.addAll(List.of("-Dconfig.file=" + confDir.resolve("node" + (i + 1) + ".conf").toAbsolutePath(),
          "-Draft.members=" + members,
          "-Dakka.remote.artery.canonical.port=" + raftPorts[i],
          "-Dkv.resp.port=" + respPorts[i],
          "-Draft.data-dir=" + servers.dir().resolve(ids[i]).toAbsolutePath(),
          "-jar", jar.toAbsolutePath().toString()));
      pids[i] = servers.start(ids[i], cmd).pid();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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
}
