package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvNode;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.PathPeers;
import io.raftactors.raft.ReadConsistency;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The KV store through {@link KvClient}: 3 replicas ({@link KvNode}) in one JVM with file journals
 * (fsync on), C closed-loop clients spread over the replicas, 100-byte values over a key space.
 * Puts, then gets at each read consistency.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
    description = "KV puts and gets through KvClient on 3 in-JVM replicas with file journals.")
final class KvBench implements Runnable {

  @Option(names = "--clients", split = ",", defaultValue = "1,16,256",
      description = "Concurrent clients per run (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per run.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per run.")
  int warmup;

  @Option(names = "--value-size", defaultValue = "100", description = "Value size in bytes.")
  int valueSize;

  @Option(names = "--keys", defaultValue = "10000", description = "Key space.")
  int keys;

  @Option(names = "--dir", description = "Data directory (default: a temporary one).")
  Path dir;

  @Override
  public void run() {
    try {
      Path base = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kv-bench");
      ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "kvbench",
          ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load()));
      try {
        List<ActorRef<KvCommand>> replicas = start(system, base);
        List<KvClient> perReplica = new ArrayList<>();
        for (ActorRef<KvCommand> r : replicas) perReplica.add(KvClient.create(system, List.of(r)));
        KvClient any = KvClient.create(system, replicas);
        any.put("warm", "up").toCompletableFuture().get(30, TimeUnit.SECONDS);
        byte[] value = new byte[valueSize];
        System.out.printf(Locale.ROOT, "kv: 3 replicas in one JVM, file journals (fsync on) under %s, "
            + "%d-byte values, %d keys, %d cores%n", base, valueSize, keys, Runtime.getRuntime().availableProcessors());
        System.out.println("| operation | clients | ops/s | p50 | p99 | p99.9 |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int c : clients) {
          measure("put", c, i -> perReplica.get(i % 3).put(KvWrite.Put.of(key(), Bytes.wrap(value))));
        }
        for (ReadConsistency level : ReadConsistency.values()) {
          for (int c : clients) {
            measure("get " + level.name().toLowerCase(Locale.ROOT), c,
                i -> perReplica.get(i % 3).get(key(), level));
          }
        }
        any.close();
        perReplica.forEach(KvClient::close);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Bytes key() {
    return Bytes.of("key-" + ThreadLocalRandom.current().nextInt(keys));
  }

  /** Three replicas n1..n3 in {@code system} (named kvbench), with file journals under {@code base}. */
  static List<ActorRef<KvCommand>> start(ActorSystem<SpawnProtocol.Command> system, Path base)
      throws Exception {
    List<String> members = List.of("n1", "n2", "n3");
    Map<String, String> paths = new HashMap<>();
    for (String id : members) paths.put(id, "akka://kvbench/user/kv-" + id + "/raft");
    PathPeers peers = new PathPeers(system, paths);
    List<ActorRef<KvCommand>> replicas = new ArrayList<>();
    for (String id : members) {
      var node = KvNode.builder(id).members(members).peers(peers).dataDir(base.resolve(id)).build();
      replicas.add(AskPattern.<SpawnProtocol.Command, ActorRef<KvCommand>>ask(system,
          r -> new SpawnProtocol.Spawn<>(node, "kv-" + id, Props.empty(), r), Duration.ofSeconds(10),
          system.scheduler()).toCompletableFuture().get());
    }
    return replicas;
  }

  /** One operation issued by client number {@code i}. */
  interface Op {
    CompletionStage<?> issue(int client);
  }

  private void measure(String name, int concurrency, Op op) throws InterruptedException {
    measure(name, concurrency, warmup, seconds, op);
  }

  /** Warms up, then measures {@code op} in {@code concurrency} closed loops; prints a table row. */
  static void measure(String name, int concurrency, int warmup, int seconds, Op op) throws InterruptedException {
    drive(op, concurrency, warmup, new LatencyRecorder(), new AtomicLong());
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong failures = new AtomicLong();
    long start = System.nanoTime();
    drive(op, concurrency, seconds, latency, failures);
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s |%s%n", name, concurrency,
        latency.count() / elapsed, fmt(latency.percentileMicros(50)), fmt(latency.percentileMicros(99)),
        fmt(latency.percentileMicros(99.9)), failures.get() > 0 ? " " + failures.get() + " failed" : "");
  }

  /** Runs {@code concurrency} closed loops of {@code op} for {@code secs} seconds. */
  static void drive(Op op, int concurrency, int secs, LatencyRecorder latency, AtomicLong failures)
      throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      int client = i;
      Supplier<Void> loop = new Supplier<>() {
        @Override
        public Void get() {
          if (stop.get()) {
            done.countDown();
            return null;
          }
          long t0 = System.nanoTime();
          op.issue(client).whenComplete((r, e) -> {
            if (e == null) latency.record(System.nanoTime() - t0);
            else failures.incrementAndGet();
            get();
          });
          return null;
        }
      };
      loop.get();
    }
    TimeUnit.SECONDS.sleep(secs);
    stop.set(true);
    done.await(60, TimeUnit.SECONDS);
  }

  static String fmt(long us) {
    return us >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " µs";
  }
}
