package io.raftactors.bench.compare;

import io.raftactors.testkit.LoopbackPorts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One redis-server (on the PATH) with {@code --appendonly yes --appendfsync always --save ""}:
 * the single-node durable reference. Every read is a plain GET (there is one node: both read
 * modes are the same).
 */
final class RedisTarget implements Target {
  private final Servers servers;
  private final Workload w;
  private long pid;
  private RespKv kv;

  RedisTarget(Path work, Workload w) throws Exception {
    this.servers = new Servers(work, "redis");
    this.w = w;
  }

  @Override
  public void start() throws Exception {
    int port = LoopbackPorts.free();
    pid = servers.start("redis", List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--dir", servers.dir().toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--daemonize", "no")).pid();
    InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        if ("PONG".equals(RespKv.call(at, 1_000, "PING"))) break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("redis not answering:\n" + servers.logTail("redis"));
        servers.checkAlive();
        Thread.sleep(100);
      }
    }
    kv = new RespKv(List.of(at));
  }

  @Override
  public Map<String, Long> serverPids() {
    return Map.of("redis", pid);
  }

  @Override
  public String describe() {
    return "1 redis-server, appendonly yes, appendfsync always, no RDB; async RESP client, one connection per virtual client";
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
  public void close() throws Exception {
    if (kv != null) kv.close();
    servers.close();
  }
}
