package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftactors.kv.lock.KvLock;
import io.raftactors.kv.lock.KvLocks;
import io.raftactors.kv.lock.LockGrant;
import io.raftactors.kv.lock.LockSettings;
import io.raftactors.testkit.Nemesis;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutual exclusion and fencing under the nemesis (partitions, crashes, pauses, loss, delay,
 * reordering, duplication, clock skew): clients on different replicas take one lock again and
 * again, each holding it for a while; a lock checker records every holder's valid period (from the
 * grant until the last moment its session was certainly alive, or its release) and fails on two
 * holders valid at once, or on tokens that do not grow from holder to holder. Holders write the
 * guarded resource with fenced writes even after their session lapsed, as a paused holder would:
 * the writes the store accepted, in the order it applied them, must have non-decreasing tokens.
 * Each run prints its seeds.
 */
@ExtendWith(RaftClusterExtension.class)
class LockChaosTest {
  static final Duration RUN = Duration.ofSeconds(Long.getLong("raft.chaos.seconds", 6));
  static final LockSettings SETTINGS = new LockSettings(Duration.ofSeconds(2), Duration.ofMillis(500));

  /**
   * A holder's valid period, [start, end] in nanoTime (end < start: never valid); {@code lapsed}:
   * its session stopped being certainly alive while it held.
   */
  record Hold(int client, long token, long start, long end, boolean lapsed) {}

  /** A fenced write the store accepted, at {@code revision}. */
  record Fenced(int client, long token, long revision) {}

  /** In `mvn verify` 4 runs; -Pchaos (or -Draft.chaos.runs=N) a fifth of the KV chaos runs. */
  static java.util.stream.IntStream runs() {
    return java.util.stream.IntStream.rangeClosed(1, Math.max(1, Integer.getInteger("raft.chaos.runs", 20) / 5));
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void holdersNeverOverlapAndStaleFencedWritesAreRefused(int run, TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 5, b -> b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
    long seed = c.raft.seed() * 37 + run;
    System.out.println("lock chaos run " + run + ": nemesis seed " + seed + ", cluster seed " + c.raft.seed());
    List<Hold> holds = Collections.synchronizedList(new ArrayList<>());
    List<Fenced> fenced = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<KvClient> clients = new ArrayList<>();
    List<KvLocks> lockClients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      KvClient kv = i % 2 == 0 ? c.client() : c.clientOf(c.raft.nodeIds().get(i));
      KvLocks locks = KvLocks.create(kv, SETTINGS);
      clients.add(kv);
      lockClients.add(locks);
      int client = i;
      SplittableRandom random = new SplittableRandom(seed * 100 + i);
      threads.add(new Thread(() -> work(client, locks, kv, random, stop, holds, fenced, refused), "lock-client-" + i));
    }
    Nemesis nemesis = new Nemesis(c.raft, seed, Nemesis.all(), Duration.ofMillis(800), Duration.ofMillis(400));
    threads.forEach(Thread::start);
    nemesis.start();
    Thread.sleep(RUN.toMillis());
    nemesis.close();
    Thread.sleep(1500);
    stop.set(true);
    for (Thread t : threads) t.join(60_000);
    lockClients.forEach(KvLocks::close);
    clients.forEach(KvClient::close);

    String report = "seed " + seed + "\nnemesis:\n  " + String.join("\n  ", nemesis.log());
    List<Hold> valid = new ArrayList<>(holds.stream().filter(h -> h.end() >= h.start()).toList());
    valid.sort(Comparator.comparingLong(Hold::start));
    System.out.println("lock chaos run " + run + ": " + holds.size() + " grants (" + valid.size()
        + " valid when used, " + holds.stream().filter(Hold::lapsed).count() + " lapsed while held), "
        + fenced.size() + " fenced writes accepted, " + refused.get() + " refused as stale, " + nemesis.log().size()
        + " nemesis actions");
    assertTrue(valid.size() >= 5, "only " + valid.size() + " valid grants\n" + report);
    for (int i = 1; i < valid.size(); i++) {
      Hold before = valid.get(i - 1);
      Hold after = valid.get(i);
      if (after.start() <= before.end()) {
        fail("two holders valid at once: " + before + " and " + after + " (overlap "
            + (before.end() - after.start()) / 1000 + " us)\n" + report);
      }
      if (after.token() <= before.token()) fail("tokens did not grow: " + before + " then " + after + "\n" + report);
    }
    List<Fenced> applied = new ArrayList<>(fenced);
    applied.sort(Comparator.comparingLong(Fenced::revision));
    for (int i = 1; i < applied.size(); i++) {
      if (applied.get(i).token() < applied.get(i - 1).token()) {
        fail("a stale fenced write was accepted: " + applied.get(i - 1) + " then " + applied.get(i) + "\n" + report);
      }
    }
  }

  private static void work(int client, KvLocks locks, KvClient kv, SplittableRandom random, AtomicBoolean stop,
      List<Hold> holds, List<Fenced> fenced, java.util.concurrent.atomic.AtomicInteger refused) {
    Bytes resource = Bytes.of("guarded");
    while (!stop.get()) {
      KvLock lock = locks.mutex("L");
      CompletableFuture<Optional<LockGrant>> attempt = lock.tryLock(Duration.ofSeconds(2)).toCompletableFuture();
      Optional<LockGrant> got;
      try {
        got = attempt.get(6, TimeUnit.SECONDS);
      } catch (Exception e) {
        attempt.cancel(false); // leaves the queue, and releases it if granted meanwhile
        pause(random.nextInt(50));
        continue;
      }
      if (got.isEmpty()) continue;
      LockGrant g = got.get();
      long start = System.nanoTime();
      long end = start - 1;
      // Mostly short holds; now and then one longer than the session's TTL, which a partition of
      // the client's replica turns into a lapsed session while it holds.
      long millis = random.nextInt(10) == 0 ? random.nextInt(1000, 3000) : random.nextInt(5, 150);
      long until = start + TimeUnit.MILLISECONDS.toNanos(millis);
      boolean first = true;
      boolean lapsed = false;
      while (System.nanoTime() < until || first) {
        long t = System.nanoTime();
        if (!lapsed && g.isValid() && t < g.session().validUntilNanos()) end = t;
        else lapsed = true; // a careless holder goes on, and still writes below
        if (first) fenceWrite(client, kv, resource, g.token(), fenced, refused);
        first = false;
        pause(5);
      }
      fenceWrite(client, kv, resource, g.token(), fenced, refused); // perhaps after its session lapsed
      holds.add(new Hold(client, g.token(), start, end, lapsed));
      try {
        lock.unlock().toCompletableFuture().get(6, TimeUnit.SECONDS);
      } catch (Exception e) {
        // unknown: the session ends the entry, or its sweeper deletes it
      }
    }
  }

  private static void fenceWrite(int client, KvClient kv, Bytes resource, long token, List<Fenced> fenced,
      java.util.concurrent.atomic.AtomicInteger refused) {
    try {
      KvResult.PutResult r = kv.fencedPut(resource, Bytes.of(client + "@" + token), token)
          .toCompletableFuture().get(6, TimeUnit.SECONDS);
      fenced.add(new Fenced(client, token, r.revision()));
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof KvException.Refused r && r.failure().code() == KvResult.Failure.Code.FENCED) {
        refused.incrementAndGet();
      }
    } catch (Exception e) {
      // unknown: not counted as accepted
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
