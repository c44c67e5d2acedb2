package io.raftactors.testkit;

import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.TransferResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The membership side of a {@link Nemesis}: while faults come and go, removes voters (the leader
 * among them), adds them back as learners, promotes them, and moves leadership, one request at a
 * time through whoever leads, without waiting for a change to finish (so faults interrupt them).
 * At the end, {@link #restore} makes every node a voter again.
 */
final class MembershipChurn {
  private final RaftTestCluster cluster;
  private final Random random;
  private final int minVoters;
  private final Consumer<String> note;

  MembershipChurn(RaftTestCluster cluster, long seed, int minVoters, Consumer<String> note) {
    this.cluster = cluster;
    this.random = new Random(seed);
    this.minVoters = minVoters;
    this.note = note;
  }

  /** How long to wait before the next change: about {@code base}, from this churn's own seed. */
  Duration pause(Duration base) {
    return base.plusMillis(random.nextInt((int) Math.max(1, base.toMillis() / 2)));
  }

  /** One change, chosen at random from what the leader's configuration allows. */
  void step() {
    Optional<NodeStatus> view;
    try {
      view = cluster.leaderView();
    } catch (RuntimeException e) {
      return; // the leader crashed meanwhile
    }
    if (view.isEmpty()) return;
    NodeStatus leader = view.get();
    List<String> outside = new ArrayList<>();
    for (String id : cluster.nodeIds()) {
      if (!leader.members().contains(id) && !leader.learners().contains(id)) outside.add(id);
    }
    double dice = random.nextDouble();
    if (!leader.learners().isEmpty() && dice < 0.5) {
      request(leader.nodeId(), ChangeMembership.Kind.PROMOTE, pick(leader.learners()));
    } else if (!outside.isEmpty() && dice < 0.6) {
      request(leader.nodeId(), ChangeMembership.Kind.ADD_LEARNER, pick(outside));
    } else if (leader.members().size() > minVoters && dice < 0.85) {
      // A third of removals take the leader itself.
      String victim = random.nextInt(3) == 0 ? leader.nodeId() : pick(leader.members());
      request(leader.nodeId(), ChangeMembership.Kind.REMOVE, victim);
    } else if (leader.members().size() > 1) {
      List<String> others = leader.members().stream().filter(id -> !id.equals(leader.nodeId())).toList();
      String target = pick(others);
      TransferResult r = get(cluster.transferLeadership(leader.nodeId(), target).toCompletableFuture());
      note.accept("transfer " + leader.nodeId() + " -> " + target + ": " + brief(r));
    }
  }

  private void request(String via, ChangeMembership.Kind kind, String id) {
    ProposeResult r = get(cluster.changeMembership(via, kind, id).toCompletableFuture());
    note.accept(kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id + " via " + via + ": " + brief(r));
  }

  /**
   * Makes every node a voter again (after the faults are healed), and returns once the leader's
   * committed configuration has them all (a request sent earlier may still land meanwhile).
   */
  void restore(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      cluster.awaitLeader(timeout);
      NodeStatus view = cluster.leaderView().orElse(null);
      boolean committed = view != null && view.commitIndex() >= view.configIndex();
      String missing = view == null ? null
          : cluster.nodeIds().stream().filter(id -> !view.members().contains(id)).findFirst().orElse(null);
      if (committed && missing == null) return;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("membership not restored within " + timeout + "\n" + cluster.describe());
      }
      if (missing != null) {
        if (!view.learners().contains(missing)) {
          cluster.changeMembership(ChangeMembership.Kind.ADD_LEARNER, missing, timeout);
        }
        cluster.changeMembership(ChangeMembership.Kind.PROMOTE, missing, timeout);
        note.accept("restored " + missing + " as a voter");
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
      }
    }
  }

  private String pick(List<String> ids) {
    return ids.get(random.nextInt(ids.size()));
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  private static String brief(Object r) {
    String s = String.valueOf(r);
    return s.length() > 140 ? s.substring(0, 140) + "..." : s;
  }
}
