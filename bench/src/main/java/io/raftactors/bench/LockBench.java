package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SpawnProtocol;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.lock.KvLock;
import io.raftactors.kv.lock.KvLocks;
import io.raftactors.kv.lock.TtlLocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Locks on 3 in-JVM replicas with file journals (fsync on): uncontended acquire+release pairs
 * (each client its own lock), and hand-offs of one lock among N contenders (each loops
 * lock, unlock; every release hands the lock to exactly the next waiter).
 */
@Command(name = "locks", mixinStandardHelpOptions = true,
    description = "Lock acquire+release pairs and hand-offs on 3 in-JVM replicas with file journals.")
final class LockBench implements Runnable {
  @Option(names = "--clients", split = ",", defaultValue = "1,16",
      description = "Clients for the uncontended runs (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--contenders", split = ",", defaultValue = "16",
      description = "Contenders for one lock in the hand-off runs (default: ${DEFAULT-VALUE}).")
  List<Integer> contenders;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per run.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per run.")
  int warmup;

  @Override
  public void run() {
    try {
      Path base = Files.createTempDirectory("lock-bench");
      ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "kvbench",
          ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load()));
      try {
        List<ActorRef<KvCommand>> replicas = KvBench.start(system, base);
        List<KvClient> perReplica = new ArrayList<>();
        for (ActorRef<KvCommand> r : replicas) perReplica.add(KvClient.create(system, List.of(r)));
        perReplica.get(0).put("warm", "up").toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<KvLocks> sessions = new ArrayList<>();
        for (KvClient c : perReplica) sessions.add(KvLocks.create(c));
        System.out.printf(Locale.ROOT, "locks: 3 replicas in one JVM, file journals (fsync on), %d cores, "
            + "clients spread over the replicas, one lock session per replica%n",
            Runtime.getRuntime().availableProcessors());
        System.out.println("| run | clients | pairs or hand-offs /s | p50 | p99 | p99.9 |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (int c : clients) {
          List<KvLock> own = new ArrayList<>();
          for (int i = 0; i < c; i++) own.add(sessions.get(i % 3).mutex("own-" + i));
          measure("session lock, uncontended: lock + unlock", c, i -> pair(own.get(i)));
        }
        for (int c : clients) {
          List<TtlLocks> ttl = new ArrayList<>();
          for (KvClient k : perReplica) ttl.add(new TtlLocks(k, Duration.ofSeconds(2)));
          measure("TTL lock (RESP LOCK), uncontended: lock + unlock", c, i -> {
            TtlLocks l = ttl.get(i % 3);
            return l.lock("ttl-" + i, 10_000, 0).token()
                .thenCompose(token -> l.unlock("ttl-" + i, token));
          });
        }
        for (int c : contenders) {
          List<KvLock> hot = new ArrayList<>();
          for (int i = 0; i < c; i++) hot.add(sessions.get(i % 3).mutex("hot"));
          long readsBefore = KvLocks.queueReads();
          AtomicLong handOffs = new AtomicLong();
          measure("one lock, " + c + " contenders: hand-offs (latency: request to grant + release)", c,
              i -> pair(hot.get(i)).whenComplete((r, e) -> handOffs.incrementAndGet()));
          System.out.printf(Locale.ROOT, "  queue reads per hand-off (1 = no herd; warm-up included): %.2f%n",
              (KvLocks.queueReads() - readsBefore) / (double) Math.max(1, handOffs.get()));
        }
        sessions.forEach(KvLocks::close);
        perReplica.forEach(KvClient::close);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletionStage<?> pair(KvLock lock) {
    return lock.lock().thenCompose(g -> lock.unlock());
  }

  private void measure(String name, int concurrency, KvBench.Op op) throws InterruptedException {
    KvBench.measure(name, concurrency, warmup, seconds, op);
  }
}
