package io.raftactors.bench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * raft-kv through RESP: one connection per virtual client, client i to node i % 3 (the leader
 * first). Stale reads: {@code READCONSISTENCY stale} on every connection before the run
 * (docs/resp.md), {@code READCONSISTENCY linearizable} before a linearizable one.
 */
final class RaftKvRespTarget implements Target {
  private final RaftKvCluster cluster;
  private final Workload w;
  private RespKv kv;

  RaftKvRespTarget(RaftKvCluster cluster, Workload w) {
    this.cluster = cluster;
    this.w = w;
  }

  @Override
  public void start() throws Exception {
    cluster.start();
    kv = new RespKv(cluster.respLeaderFirst());
  }

  @Override
  public Map<String, Long> serverPids() {
    return cluster.pids();
  }

  @Override
  public Map<String, BatchStats> batchStats() {
    return cluster.batchStats();
  }

  @Override
  public String describe() {
    return "3 node JVMs (file journal, fsync on), leader " + cluster.leaderId()
        + "; async RESP client, one connection per virtual client, client i on node i mod 3 (leader first)";
  }

  @Override
  public CompletableFuture<?> put(int client, int key) {
    return kv.set(client, w.keys()[key], w.value());
  }

  @Override
  public CompletableFuture<?> get(int client, int key, boolean stale) {
    return kv.get(client, w.keys()[key]);
  }

  @Override
  public void beforeReads(boolean stale, int clients) throws Exception {
    List<CompletableFuture<Object>> fs = new ArrayList<>();
    for (int i = 0; i < Math.max(clients, 16); i++) {
      fs.add(kv.command(i, "READCONSISTENCY", stale ? "stale" : "linearizable"));
    }
    CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (kv != null) kv.close();
    cluster.close();
  }

  static RaftKvRespTarget create(Path work, Path jar, Path conf, List<String> jvm, Workload w) throws Exception {
    return new RaftKvRespTarget(new RaftKvCluster(work, "raft-kv", jar, conf, jvm), w);
  }
}
