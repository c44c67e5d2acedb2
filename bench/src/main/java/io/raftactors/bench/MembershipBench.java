package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvNode;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.PathPeers;
import io.raftactors.raft.RaftAdmin;
import io.raftactors.raft.RaftNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes while the cluster grows: 3 in-JVM replicas with file journals (fsync on) under a steady
 * write load, then a fourth replica is added as a learner and catches up (from a log and store
 * preloaded with many keys), then promoted to voter. Throughput and latency are reported per
 * phase, next to the steady state before and after.
 */
@Command(name = "membership", mixinStandardHelpOptions = true,
    description = "Write throughput and latency during a learner's catch-up and its promotion.")
final class MembershipBench implements Runnable {
  @Option(names = "--clients", defaultValue = "16", description = "Concurrent writers (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--preload", defaultValue = "200000",
      description = "Keys written before the learner is added, for it to catch up on (default: ${DEFAULT-VALUE}).")
  int preload;

  @Option(names = "--value-size", defaultValue = "100", description = "Value bytes (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--seconds", defaultValue = "8", description = "Seconds of each steady phase.")
  int seconds;

  private final AtomicReference<LatencyRecorder> phase = new AtomicReference<>(new LatencyRecorder());
  private final AtomicLong failures = new AtomicLong();

  @Override
  public void run() {
    try {
      Path base = Files.createTempDirectory("membership-bench");
      ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "kvbench",
          ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load()));
      try {
        bench(system, base);
      } finally {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private void bench(ActorSystem<SpawnProtocol.Command> system, Path base) throws Exception {
    List<String> initial = List.of("n1", "n2", "n3");
    List<String> all = List.of("n1", "n2", "n3", "n4");
    Map<String, String> paths = new HashMap<>();
    for (String id : all) paths.put(id, "akka://kvbench/user/kv-" + id + "/raft");
    PathPeers peers = new PathPeers(system, paths);
    List<ActorRef<KvCommand>> replicas = new ArrayList<>();
    for (String id : all) {
      var node = KvNode.builder(id).members(initial).peers(peers).dataDir(base.resolve(id)).build();
      replicas.add(AskPattern.<SpawnProtocol.Command, ActorRef<KvCommand>>ask(system,
          r -> new SpawnProtocol.Spawn<>(node, "kv-" + id, Props.empty(), r), Duration.ofSeconds(10),
          system.scheduler()).toCompletableFuture().get());
    }
    List<KvClient> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) writers.add(KvClient.create(system, List.of(replicas.get(i))));
    writers.get(0).put("warm", "up").toCompletableFuture().get(30, TimeUnit.SECONDS);
    // Resolved once the replicas are up (a path resolved before its actor exists stays dead).
    ActorRefResolver resolver = ActorRefResolver.get(system);
    List<ActorRef<RaftNode.Command>> rafts = new ArrayList<>();
    for (String id : all) rafts.add(resolver.resolveActorRef(paths.get(id)));
    RaftAdmin<RaftNode.Command> admin = RaftAdmin.of(system, rafts.subList(0, 3), Duration.ofSeconds(120));

    String value = "v".repeat(valueSize);
    System.out.printf(Locale.ROOT, "membership: 3 replicas in one JVM + a 4th added, file journals (fsync on), "
        + "%d cores, %d writers of %d-byte values over the 3 original replicas; preload %,d keys%n",
        Runtime.getRuntime().availableProcessors(), clients, valueSize, preload);
    long t0 = System.nanoTime();
    preload(writers, value);
    System.out.printf(Locale.ROOT, "preloaded %,d keys in %.1f s%n", preload, (System.nanoTime() - t0) / 1e9);

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = startLoad(writers, value, stop);
    System.out.println("| phase | seconds | writes/s | p50 | p99 | max | failed |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    measure("warm-up (not counted)", () -> sleep(3));
    measure("steady, 3 voters", () -> sleep(seconds));
    long[] caughtUp = new long[2];
    measure("learner n4 added and catching up", () -> {
      long start = System.nanoTime();
      join(admin.addLearner("n4", null));
      NodeStatus leader = leaderStatus(system, rafts);
      long target = leader.commitIndex();
      while (status(system, rafts.get(3)).lastApplied() < target) sleep(0.05);
      caughtUp[0] = target;
      caughtUp[1] = System.nanoTime() - start;
    });
    measure("steady, 3 voters + learner", () -> sleep(seconds));
    long[] promoted = new long[1];
    measure("promotion of n4, then 2 s", () -> {
      long start = System.nanoTime();
      join(admin.promote("n4"));
      promoted[0] = System.nanoTime() - start;
      sleep(2);
    });
    measure("steady, 4 voters", () -> sleep(seconds));
    stop.set(true);
    stopped.await(60, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "learner caught up to index %,d in %.1f s; promotion committed in %.0f ms%n",
        caughtUp[0], caughtUp[1] / 1e9, promoted[0] / 1e6);
  }

  private void preload(List<KvClient> writers, String value) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    CountDownLatch done = new CountDownLatch(64);
    for (int c = 0; c < 64; c++) {
      KvClient kv = writers.get(c % 3);
      Runnable[] loop = new Runnable[1];
      loop[0] = () -> {
        long i = next.getAndIncrement();
        if (i >= preload) {
          done.countDown();
          return;
        }
        kv.put("pre-" + i, value).whenComplete((r, e) -> loop[0].run());
      };
      loop[0].run();
    }
    done.await(30, TimeUnit.MINUTES);
  }

  /** Closed-loop writers that record into the current phase's recorder. */
  private CountDownLatch startLoad(List<KvClient> writers, String value, AtomicBoolean stop) {
    CountDownLatch stopped = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      KvClient kv = writers.get(c % 3);
      Runnable[] loop = new Runnable[1];
      loop[0] = () -> {
        if (stop.get()) {
          stopped.countDown();
          return;
        }
        long start = System.nanoTime();
        kv.put("k-" + ThreadLocalRandom.current().nextInt(100_000), value).whenComplete((r, e) -> {
          if (e == null) phase.get().record(System.nanoTime() - start);
          else failures.incrementAndGet();
          loop[0].run();
        });
      };
      loop[0].run();
    }
    return stopped;
  }

  private interface Phase {
    void run() throws Exception;
  }

  private void measure(String name, Phase body) throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    phase.set(recorder);
    long failedBefore = failures.get();
    long start = System.nanoTime();
    body.run();
    double secs = (System.nanoTime() - start) / 1e9;
    phase.set(new LatencyRecorder());
    System.out.printf(Locale.ROOT, "| %s | %.1f | %,.0f | %s | %s | %s | %d |%n", name, secs, recorder.count() / secs,
        KvBench.fmt(recorder.percentileMicros(50)), KvBench.fmt(recorder.percentileMicros(99)),
        KvBench.fmt(recorder.maxMicros()), failures.get() - failedBefore);
  }

  private static NodeStatus status(ActorSystem<?> system, ActorRef<RaftNode.Command> node) throws Exception {
    return Asks.<RaftNode.Command, NodeStatus>ask(node, Duration.ofSeconds(5), system.scheduler(), GetStatus::new)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static NodeStatus leaderStatus(ActorSystem<?> system, List<ActorRef<RaftNode.Command>> rafts)
      throws Exception {
    for (ActorRef<RaftNode.Command> r : rafts) {
      NodeStatus s = status(system, r);
      if (s.role() == io.raftactors.raft.Role.LEADER) return s;
    }
    throw new IllegalStateException("no leader");
  }

  private static void join(java.util.concurrent.CompletionStage<?> stage) throws Exception {
    stage.toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static void sleep(double seconds) {
    try {
      Thread.sleep((long) (seconds * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
