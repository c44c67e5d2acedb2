package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.Nemesis;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import io.raftactors.testkit.lin.CounterModel;
import io.raftactors.testkit.lin.ExpiringRegisterModel;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.Model;
import io.raftactors.testkit.lin.Operation;
import io.raftactors.testkit.lin.RegisterModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jepsen-style: clients read (LINEARIZABLE and LEASE), write, compare-and-set and increment,
 * write keys with TTLs and keys on leases they keep alive, revoke or abandon ({@link
 * ChaosWorkload}), through every replica while the nemesis partitions, crashes, pauses, loses,
 * delays, reorders, duplicates and skews clocks within the lease drift bound; the recorded history
 * must be linearizable (registers, counters, expiring registers; key by key), and after healing
 * all replicas must hold the same state, with every TTL key and abandoned lease expired. Each run prints its seeds; the nemesis log is printed on failure.
 */
@ExtendWith(RaftClusterExtension.class)
class KvChaosTest {
  // Odd runs take snapshots every 300 entries (see historiesUnderFaultsAreLinearizable).
  static final Duration RUN = Duration.ofSeconds(Long.getLong("raft.chaos.seconds", 6));
  /** How much earlier than the history's clock a TTL may end (millisecond stamps, two clocks). */
  static final long EXPIRY_SLACK_MS = 5;

  /** Runs in `mvn verify`: 20 seeds; with -Pchaos (or -Draft.chaos.runs=N): many more. */
  static java.util.stream.IntStream runs() {
    return java.util.stream.IntStream.rangeClosed(1, Integer.getInteger("raft.chaos.runs", 20));
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void historiesUnderFaultsAreLinearizable(int run, TestClusters clusters, @TempDir Path snapshots)
      throws Exception {
    // Odd runs compact very aggressively: a snapshot every 300 entries, 50 kept behind it, so
    // crashed and partitioned members come back by InstallSnapshot while the faults go on.
    boolean compacting = run % 2 == 1;
    KvCluster c = KvCluster.start(clusters, 5, b -> compacting
        ? b.snapshots(snapshots).settings("raft.snapshot.entries = 300\nraft.snapshot.keep-tail = 50")
        : b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
    long seed = c.raft.seed() * 31 + run;
    System.out.println("chaos run " + run + ": nemesis seed " + seed + ", cluster seed " + c.raft.seed()
        + (compacting ? ", aggressive compaction" : ""));
    History history = new History();
    List<ChaosWorkload.StaleRead> staleReads = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    List<KvClient> kvClients = new ArrayList<>();
    for (int client = 0; client < 6; client++) {
      KvClient kv = client % 2 == 0 ? c.client() : c.clientOf(c.raft.nodeIds().get(client % 5));
      kvClients.add(kv);
      // Two impatient clients: past 300 ms they record "unknown" and move on (the request goes on).
      Duration patience = client >= 4 ? Duration.ofMillis(300) : Duration.ofSeconds(30);
      ChaosWorkload workload = new ChaosWorkload(client, kv, new SplittableRandom(seed * 1000 + client), history,
          staleReads, patience);
      clients.add(new Thread(() -> workload.run(stop), "chaos-client-" + client));
    }
    // Membership changes too: voters removed (the leader among them), added back as learners,
    // promoted, and leadership transferred, all while the faults go on.
    Nemesis nemesis = new Nemesis(c.raft, seed, Nemesis.all(), Duration.ofMillis(800), Duration.ofMillis(400))
        .withMembershipChanges(3);
    clients.forEach(Thread::start);
    nemesis.start();
    Thread.sleep(RUN.toMillis());
    nemesis.close();
    Thread.sleep(1000); // healed: the clients finish what is in flight
    stop.set(true);
    for (Thread t : clients) t.join(60_000);
    kvClients.forEach(KvClient::close);

    List<Operation> ops = history.operations();
    String report = "seed " + seed + "\nnemesis:\n  " + String.join("\n  ", nemesis.log());
    long ok = ops.stream().filter(o -> !o.unknown()).count();
    System.out.println("chaos run " + run + ": " + ops.size() + " operations (" + ok + " completed, "
        + (ops.size() - ok) + " unknown), " + nemesis.log().size() + " nemesis actions ("
        + nemesis.membershipChanges() + " membership changes and transfers made), "
        + c.raft.snapshotsRestored() + " snapshots restored; " + expiryStats(ops));
    assertTrue(ok > 200, "only " + ok + " operations completed\n" + report);
    assertStaleReadsWereWritten(ops, staleReads, report);
    // The state the replicas converge to, read after everything else, is part of the history:
    // every acknowledged write must be accounted for in it.
    Map<String, String> end = assertConverged(c, report);
    List<String> expiring = new ArrayList<>(ChaosWorkload.TTL_KEYS);
    expiring.addAll(ChaosWorkload.LEASE_KEYS);
    List<Operation> all = new ArrayList<>(ops);
    int id = ops.stream().mapToInt(Operation::id).max().orElse(0);
    long t = System.nanoTime();
    for (String k : ChaosWorkload.REGISTERS) all.add(new Operation(++id, -1, k, new RegisterModel.Get(), end.get(k), t, t));
    for (String k : ChaosWorkload.COUNTERS) {
      long value = end.get(k) == null ? 0L : Long.parseLong(end.get(k));
      all.add(new Operation(++id, -1, k, new CounterModel.Read(), value, t, t));
    }
    for (String k : expiring) all.add(new Operation(++id, -1, k, new ExpiringRegisterModel.Get(), end.get(k), t, t));
    check(all, ChaosWorkload.REGISTERS, new RegisterModel(), report);
    check(all, ChaosWorkload.COUNTERS, new CounterModel(), report);
    check(all, expiring, new ExpiringRegisterModel(EXPIRY_SLACK_MS), report);
  }

  /** A STALE read may lag, but its value was written by an operation invoked before it returned. */
  private static void assertStaleReadsWereWritten(List<Operation> ops, List<ChaosWorkload.StaleRead> reads,
      String report) {
    Map<String, Long> firstWrite = new java.util.HashMap<>();
    for (Operation o : ops) {
      String v = o.input() instanceof RegisterModel.Put p ? p.value()
          : o.input() instanceof RegisterModel.Cas cas && !Boolean.FALSE.equals(o.output()) ? cas.value() : null;
      if (v != null) firstWrite.merge(o.key() + "=" + v, o.invoked(), Math::min);
    }
    synchronized (reads) {
      for (ChaosWorkload.StaleRead r : reads) {
        if (r.value() == null) continue;
        Long written = firstWrite.get(r.key() + "=" + r.value());
        assertTrue(written != null && written <= r.completed(),
            "a STALE read by client " + r.client() + " of " + r.key() + " returned " + r.value()
                + (written == null ? ", which nobody wrote" : ", written only after it returned") + "\n" + report);
      }
      System.out.println("  " + reads.size() + " STALE reads, each of a written value");
    }
  }

  /** How much of the run exercised expiry: operations on expiring keys, and what expired under them. */
  private static String expiryStats(List<Operation> ops) {
    long onExpiring = ops.stream().filter(o -> ChaosWorkload.TTL_KEYS.contains(o.key())
        || ChaosWorkload.LEASE_KEYS.contains(o.key())).count();
    long grants = ops.stream().filter(o -> o.input() instanceof ExpiringRegisterModel.Grant).count();
    long leaseGone = ops.stream().filter(o -> (o.input() instanceof ExpiringRegisterModel.KeepAlive
        || o.input() instanceof ExpiringRegisterModel.PutWithLease) && Boolean.FALSE.equals(o.output())).count();
    long expiredReads = 0;
    Map<String, String> written = new java.util.HashMap<>();
    for (Operation o : ops.stream().sorted(java.util.Comparator.comparingLong(Operation::invoked)).toList()) {
      if (o.input() instanceof ExpiringRegisterModel.Put p) written.put(o.key(), p.value());
      if (o.input() instanceof ExpiringRegisterModel.Get && o.output() == null && written.remove(o.key()) != null) {
        expiredReads++;
      }
    }
    return onExpiring + " on TTL/lease keys, " + expiredReads + " reads saw a TTL value gone, " + grants
        + " leases granted, " + leaseGone + " keep-alives/puts found their lease expired";
  }

  private static <S> void check(List<Operation> ops, List<String> keys, Model<S> model, String report) {
    List<Operation> mine = ops.stream().filter(o -> keys.contains(o.key())).toList();
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(model, mine, TimeUnit.SECONDS.toNanos(60));
    assertTrue(r.linearizable(), r.explain() + "\n" + report);
  }

  /**
   * After healing, every replica applies the same writes: the same values everywhere; and every
   * TTL key and lease key is gone (no more writes or keep-alives: each TTL and abandoned lease
   * must end, however many leaders came and went).
   */
  private static Map<String, String> assertConverged(KvCluster c, String report) {
    List<String> keys = new ArrayList<>(ChaosWorkload.REGISTERS);
    keys.addAll(ChaosWorkload.COUNTERS);
    keys.addAll(ChaosWorkload.TTL_KEYS);
    keys.addAll(ChaosWorkload.LEASE_KEYS);
    keys.add("converge-marker");
    Map<String, String> gone = new TreeMap<>();
    for (String k : ChaosWorkload.TTL_KEYS) gone.put(k, null);
    for (String k : ChaosWorkload.LEASE_KEYS) gone.put(k, null);
    try (KvClient any = c.client()) {
      await(any.put("converge-marker", "x")); // committed by the current leader, with everything before
    }
    Map<String, Map<String, String>> views = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      views.clear();
      for (String id : c.raft.nodeIds()) {
        Map<String, String> view = new TreeMap<>();
        try (KvClient kv = c.clientOf(id)) {
          for (String k : keys) {
            view.put(k, await(kv.get(Bytes.of(k), ReadConsistency.STALE)).map(v -> v.value().utf8()).orElse(null));
          }
        } catch (RuntimeException e) {
          view.put("error", e.toString());
        }
        views.put(id, view);
      }
      boolean expired = views.values().stream().allMatch(v -> gone.keySet().stream().allMatch(k -> v.get(k) == null));
      if (expired && views.values().stream().distinct().count() == 1 || System.nanoTime() > deadline) break;
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertEquals(1, views.values().stream().distinct().count(), "replicas differ: " + views + "\n" + report);
    Map<String, String> view = views.values().iterator().next();
    for (String k : gone.keySet()) {
      assertEquals(null, view.get(k), k + " did not expire within 20 s of the end: " + views + "\n" + report);
    }
    return view;
  }

  static <T> T await(CompletionStage<T> stage) {
    return KvClusterTest.await(stage);
  }

}
