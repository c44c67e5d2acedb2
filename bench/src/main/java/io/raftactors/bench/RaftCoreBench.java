package io.raftactors.bench;

import io.raftactors.raft.ProposeResult;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.StateMachines;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The consensus protocol's own overhead: a 3-node group in one JVM, in-memory journals (no
 * fsync), every message serialized through the testkit's network. C closed-loop clients each
 * keep one proposal in flight to the leader; latency is proposal to applied answer.
 */
@Command(name = "raft-core", mixinStandardHelpOptions = true,
    description = "Commits/s and commit latency of a 3-node in-JVM Raft group (memory journal).")
final class RaftCoreBench implements Runnable {

  @Option(names = "--clients", split = ",", defaultValue = "1,16,256",
      description = "Concurrent closed-loop proposers per run (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per run.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds per run.")
  int warmup;

  @Option(names = "--value-size", defaultValue = "100", description = "Command size in bytes.")
  int valueSize;

  @Option(names = "--nodes", defaultValue = "3", description = "Group size.")
  int nodes;

  @Override
  public void run() {
    System.out.printf(Locale.ROOT, "raft-core: %d nodes in one JVM, memory journal, %d-byte commands, %s, %d cores%n",
        nodes, valueSize, System.getProperty("java.vm.name") + " " + Runtime.version(),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| clients | commits/s | p50 | p99 | p99.9 | max | msgs/commit | bytes/commit |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int c : clients) runOnce(c);
  }

  private void runOnce(int concurrency) {
    try (RaftTestCluster cluster = RaftTestCluster.builder()
        .nodes(nodes)
        .name("bench")
        .stateMachine(StateMachines.counter())
        .periodicChecks(false)
        .traceCapacity(16)
        .settings("raft.election-timeout-min = 1s\nraft.election-timeout-max = 2s\n"
            + "raft.heartbeat-interval = 100ms\nakka.loglevel = WARNING")
        .build()) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(20));
      byte[] command = new byte[valueSize];
      drive(cluster, leader, command, concurrency, warmup, new LatencyRecorder());

      LatencyRecorder latency = new LatencyRecorder();
      long msgs0 = totalMessages(cluster);
      long bytes0 = totalBytes(cluster);
      long start = System.nanoTime();
      long failed = drive(cluster, leader, command, concurrency, seconds, latency);
      double elapsed = (System.nanoTime() - start) / 1e9;
      double commits = latency.count();
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %s | %s | %s | %s | %.2f | %.0f |%s%n",
          concurrency, commits / elapsed,
          micros(latency.percentileMicros(50)), micros(latency.percentileMicros(99)),
          micros(latency.percentileMicros(99.9)), micros(latency.maxMicros()),
          (totalMessages(cluster) - msgs0) / commits, (totalBytes(cluster) - bytes0) / commits,
          failed > 0 ? " (" + failed + " not applied)" : "");
      cluster.checkInvariants();
    }
  }

  /** Runs {@code concurrency} closed-loop proposers for {@code secs}; returns failures. */
  private static long drive(RaftTestCluster cluster, String leader, byte[] command,
      int concurrency, int secs, LatencyRecorder latency) {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong failures = new AtomicLong();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      next(cluster, leader, command, stop, latency, failures, done);
    }
    try {
      TimeUnit.SECONDS.sleep(secs);
      stop.set(true);
      done.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return failures.get();
  }

  private static void next(RaftTestCluster cluster, String leader, byte[] command,
      AtomicBoolean stop, LatencyRecorder latency, AtomicLong failures, CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    cluster.propose(leader, command, Duration.ofSeconds(10)).whenComplete((r, e) -> {
      if (r instanceof ProposeResult.Applied) latency.record(System.nanoTime() - start);
      else failures.incrementAndGet();
      next(cluster, leader, command, stop, latency, failures, done);
    });
  }

  private static long totalMessages(RaftTestCluster c) {
    return c.nodeIds().stream().mapToLong(c::messageCount).sum();
  }

  private static long totalBytes(RaftTestCluster c) {
    return c.nodeIds().stream().mapToLong(c::bytesSent).sum();
  }

  private static String micros(long us) {
    return us >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " µs";
  }
}
