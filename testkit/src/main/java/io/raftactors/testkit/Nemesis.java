package io.raftactors.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Schedules faults on a {@link RaftTestCluster} while a workload runs, as Jepsen's nemesis does:
 * one fault at a time for a while, then a healed interval, repeated. The schedule (which fault,
 * which nodes, how long) comes from one seed, so a failing run can be replayed; every action is
 * logged with its time. Faults: isolating the leader, a majority/minority split, a bridge (one
 * node sees both halves), a ring (each node sees only its neighbours), crashing a random node or
 * the leader and restarting it, pausing a random node or the leader (SIGSTOP-like: it runs nothing
 * until resumed, then handles what queued up), message loss with delay, reordering, duplication, and clock skew
 * (nodes' interval clocks run slower, by at most {@link #withSlowestClock}: within
 * {@code raft.read.lease-clock-drift} by default, so LEASE reads must stay linearizable).
 */
public final class Nemesis implements AutoCloseable {
  public enum Fault {
    ISOLATE_LEADER,
    SPLIT,
    BRIDGE,
    RING,
    CRASH_RANDOM,
    CRASH_LEADER,
    PAUSE_RANDOM,
    PAUSE_LEADER,
    LOSS_AND_DELAY,
    REORDER,
    DUPLICATE,
    CLOCK_SKEW
  }

  private final RaftTestCluster cluster;
  private final long seed;
  private final Random random;
  private final List<Fault> faults;
  private final Duration faultTime;
  private final Duration healTime;
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final long start = System.nanoTime();
  private volatile boolean running = true;
  private double slowestClock;
  private Thread thread;
  /** Membership changes alongside the faults, or null. */
  private MembershipChurn churn;
  private Thread churnThread;

  public Nemesis(RaftTestCluster cluster, long seed, Set<Fault> faults, Duration faultTime, Duration healTime) {
    this.cluster = cluster;
    this.seed = seed;
    this.random = new Random(seed);
    this.faults = new ArrayList<>(EnumSet.copyOf(faults));
    this.faultTime = faultTime;
    this.healTime = healTime;
    this.slowestClock = 1 - cluster.settings().leaseClockDrift() / 2;
  }

  /** Clock skew slows clocks down to {@code rate} × real time (beyond the drift bound to show what breaks). */
  public Nemesis withSlowestClock(double rate) {
    this.slowestClock = rate;
    return this;
  }

  /**
   * Also changes the membership while faults run: removes voters (the leader among them, never
   * below {@code minVoters}), adds them back as learners and promotes them, and transfers
   * leadership, on a thread of its own. {@link #close} makes every node a voter again.
   */
  public Nemesis withMembershipChanges(int minVoters) {
    this.churn = new MembershipChurn(cluster, seed * 7 + 1, minVoters, this::note);
    return this;
  }

  /** Every fault kind. */
  public static Set<Fault> all() {
    return EnumSet.allOf(Fault.class);
  }

  public long seed() {
    return seed;
  }

  /** Starts the schedule on a thread of its own. */
  public Nemesis start() {
    thread = new Thread(this::loop, "nemesis-" + seed);
    thread.setDaemon(true);
    thread.start();
    if (churn != null) {
      churnThread = new Thread(() -> {
        while (sleep(churn.pause(healTime))) {
          try {
            churn.step();
          } catch (RuntimeException e) {
            note("membership change failed: " + e);
          }
        }
      }, "membership-churn-" + seed);
      churnThread.setDaemon(true);
      churnThread.start();
    }
    return this;
  }

  /**
   * Stops scheduling, heals the network and restarts every crashed node; with membership changes,
   * then makes every node a voter again.
   */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join(30_000);
    }
    if (churnThread != null) {
      // Not interrupted: a change under way finishes (or its ask times out), so none lands later.
      churnThread.join(30_000);
    }
    healEverything();
    if (churn != null) churn.restore(Duration.ofSeconds(30));
  }

  /** Membership changes applied and leadership transfers made so far (with membership changes on). */
  public long membershipChanges() {
    return log().stream().filter(l -> l.contains(": Applied[") || l.contains(": Transferred[")).count();
  }

  /** What was done when, for the report of a failing run. */
  public List<String> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  private void loop() {
    while (running) {
      Fault fault = faults.get(random.nextInt(faults.size()));
      try {
        apply(fault);
      } catch (RuntimeException e) {
        note("could not apply " + fault + ": " + e);
      }
      if (!sleep(jitter(faultTime))) break;
      healEverything();
      if (!sleep(jitter(healTime))) break;
    }
  }

  private void apply(Fault fault) {
    List<String> ids = new ArrayList<>(cluster.nodeIds());
    Collections.shuffle(ids, random);
    String leader = cluster.leader().orElse(ids.get(0));
    TestNetwork net = cluster.network();
    switch (fault) {
      case ISOLATE_LEADER -> {
        net.disconnect(leader);
        note("isolate leader " + leader);
      }
      case SPLIT -> {
        int minority = (ids.size() - 1) / 2;
        Set<String> small = Set.copyOf(ids.subList(0, minority));
        Set<String> large = Set.copyOf(ids.subList(minority, ids.size()));
        net.partition(small, large);
        note("split " + small + " | " + large);
      }
      case BRIDGE -> {
        String bridge = ids.get(0);
        int half = (ids.size() - 1) / 2 + 1;
        Set<String> left = Set.copyOf(ids.subList(1, half));
        Set<String> right = Set.copyOf(ids.subList(half, ids.size()));
        net.addFilter("bridge", (from, to, m) -> left.contains(from) && right.contains(to)
            || right.contains(from) && left.contains(to));
        note("bridge " + left + " <- " + bridge + " -> " + right);
      }
      case RING -> {
        List<String> ring = List.copyOf(ids);
        net.addFilter("ring", (from, to, m) -> {
          int d = Math.abs(ring.indexOf(from) - ring.indexOf(to));
          return d != 1 && d != ring.size() - 1;
        });
        note("ring " + ring);
      }
      case CRASH_RANDOM, CRASH_LEADER -> {
        String victim = fault == Fault.CRASH_LEADER ? leader : ids.get(0);
        if (cluster.isRunning(victim)) {
          cluster.crash(victim);
          note("crash " + victim + (victim.equals(leader) ? " (leader)" : ""));
        }
      }
      case PAUSE_RANDOM, PAUSE_LEADER -> {
        String victim = fault == Fault.PAUSE_LEADER ? leader : ids.get(0);
        if (cluster.isRunning(victim)) {
          cluster.pause(victim);
          note("pause " + victim + (victim.equals(leader) ? " (leader)" : ""));
        }
      }
      case LOSS_AND_DELAY -> {
        double loss = 0.05 + random.nextDouble() * 0.25;
        Duration delay = Duration.ofMillis(5 + random.nextInt(60));
        net.setUnreliable(loss, delay);
        note(String.format(java.util.Locale.ROOT, "loss %.2f, delay up to %d ms", loss, delay.toMillis()));
      }
      case REORDER -> {
        net.setUnreliable(0, Duration.ofMillis(20 + random.nextInt(40)));
        net.setReordering(true);
        note("reorder");
      }
      case DUPLICATE -> {
        net.duplicate(0.1 + random.nextDouble() * 0.4);
        note("duplicate");
      }
      case CLOCK_SKEW -> {
        StringBuilder rates = new StringBuilder();
        for (String id : ids) {
          double rate = slowestClock + random.nextDouble() * (1 - slowestClock);
          cluster.clock(id).setRate(rate);
          rates.append(String.format(java.util.Locale.ROOT, " %s=%.3f", id, rate));
        }
        note("clock rates" + rates);
      }
    }
  }

  private void healEverything() {
    cluster.network().reset();
    for (String id : cluster.nodeIds()) cluster.clock(id).setRate(1);
    Set<String> restarted = new HashSet<>();
    Set<String> resumed = new HashSet<>();
    for (String id : cluster.nodeIds()) {
      if (cluster.isPaused(id)) {
        cluster.resume(id);
        resumed.add(id);
      }
    }
    for (String id : cluster.nodeIds()) {
      if (!cluster.isRunning(id)) {
        cluster.restart(id);
        restarted.add(id);
      }
    }
    note("heal" + (resumed.isEmpty() ? "" : ", resume " + resumed)
        + (restarted.isEmpty() ? "" : ", restart " + restarted));
  }

  private Duration jitter(Duration d) {
    return d.plusMillis(random.nextInt((int) Math.max(1, d.toMillis() / 2)));
  }

  private boolean sleep(Duration d) {
    LockSupport.parkNanos(d.toNanos());
    return running && !Thread.currentThread().isInterrupted();
  }

  private void note(String what) {
    log.add(String.format(java.util.Locale.ROOT, "%6d ms  %s", (System.nanoTime() - start) / 1_000_000, what));
  }
}
