package io.raftactors.bench.compare;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.raftactors.testkit.LoopbackPorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A 3-member etcd cluster (the {@code etcd} binary on the PATH, Debian's 3.4) on free loopback
 * ports with fresh data directories, started as the anchors' etcd-cluster.sh starts it; the
 * leader found with the Maintenance Status RPC; measured with the thin gRPC client
 * ({@link GrpcKv}), client i on member i % 3, the leader first. Stale reads are etcd's
 * serializable ranges.
 */
final class EtcdTarget implements Target {
  private final Servers servers;
  private final Workload w;
  private final ByteString[] keys;
  private final ByteString value;
  private final int[] clientPorts = new int[3];
  private final long[] pids = new long[3];
  private int leader = -1;
  private GrpcKv kv;

  EtcdTarget(Path work, Workload w) throws Exception {
    this.servers = new Servers(work, "etcd");
    this.w = w;
    keys = new ByteString[w.keys().length];
    for (int i = 0; i < keys.length; i++) keys[i] = ByteString.copyFrom(w.keys()[i]);
    value = ByteString.copyFrom(w.value());
  }

  @Override
  public void start() throws Exception {
    int[] peerPorts = new int[3];
    StringBuilder cluster = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      clientPorts[i] = LoopbackPorts.free();
      peerPorts[i] = LoopbackPorts.free();
      cluster.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(peerPorts[i]);
    }
    for (int i = 0; i < 3; i++) {
      String c = "http://127.0.0.1:" + clientPorts[i];
      String p = "http://127.0.0.1:" + peerPorts[i];
      pids[i] = servers.start("m" + i, List.of("etcd", "--name", "m" + i,
          "--data-dir", servers.dir().resolve("m" + i + ".data").toString(),
          "--listen-client-urls", c, "--advertise-client-urls", c,
          "--listen-peer-urls", p, "--initial-advertise-peer-urls", p,
          "--initial-cluster", cluster.toString(), "--initial-cluster-token", "compare-" + ProcessHandle.current().pid(),
          "--initial-cluster-state", "new", "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn")).pid();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((leader = findLeader()) < 0) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("etcd: no leader within 60 s:\n" + servers.logTail("m0"));
      servers.checkAlive();
      Thread.sleep(200);
    }
    List<InetSocketAddress> eps = new ArrayList<>();
    for (int i : leaderFirst()) eps.add(new InetSocketAddress("127.0.0.1", clientPorts[i]));
    kv = new GrpcKv(eps);
    kv.put(0, ByteString.copyFromUtf8("compare-ready"), ByteString.copyFromUtf8("1")).get(30, TimeUnit.SECONDS);
  }

  /** The member every member names as leader, or -1. */
  private int findLeader() throws InterruptedException {
    long[] ids = new long[3];
    long lead = 0;
    for (int i = 0; i < 3; i++) {
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", clientPorts[i]).usePlaintext().build();
      try {
        StatusResponse s = MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
            .status(StatusRequest.getDefaultInstance());
        ids[i] = s.getHeader().getMemberId();
        if (s.getLeader() == 0 || (lead != 0 && s.getLeader() != lead)) return -1;
        lead = s.getLeader();
      } catch (RuntimeException notYet) {
        return -1;
      } finally {
        ch.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    }
    for (int i = 0; i < 3; i++) if (ids[i] == lead) return i;
    return -1;
  }

  private List<Integer> leaderFirst() {
    List<Integer> order = new ArrayList<>(List.of(leader));
    for (int i = 0; i < 3; i++) if (i != leader) order.add(i);
    return order;
  }

  @Override
  public Map<String, Long> serverPids() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) m.put("m" + i + (i == leader ? "(L)" : ""), pids[i]);
    return m;
  }

  @Override
  public String describe() {
    return "3 etcd members (default fsync: fdatasync of the WAL per batch), leader m" + leader
        + "; thin grpc-java KV stub, direct executor, one channel per member, client i on member i mod 3 (leader first)";
  }

  @Override
  public java.util.concurrent.CompletableFuture<?> put(int client, int key) {
    return kv.put(client, keys[key], value);
  }

  @Override
  public java.util.concurrent.CompletableFuture<?> get(int client, int key, boolean stale) {
    return kv.get(client, keys[key], stale);
  }

  @Override
  public void close() throws Exception {
    if (kv != null) kv.close();
    servers.close();
  }
}
