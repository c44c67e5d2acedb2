package io.raftactors.testkit;

import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RejectReason;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Membership changes of a {@link RaftTestCluster} as an operator would make them: ask the leader,
 * retry while it is busy or unknown, and stop once the leader's committed configuration shows the
 * change (an answer may be lost while the change still happened).
 */
final class MembershipOps {
  private final RaftTestCluster cluster;

  MembershipOps(RaftTestCluster cluster) {
    this.cluster = cluster;
  }

  void change(ChangeMembership.Kind kind, String id, Duration timeout) {
    Predicate<NodeStatus> done = switch (kind) {
      case ADD_LEARNER -> s -> s.learners().contains(id) || s.members().contains(id);
      case PROMOTE -> s -> s.members().contains(id);
      case REMOVE -> s -> !s.members().contains(id) && !s.learners().contains(id);
    };
    long deadline = System.nanoTime() + timeout.toNanos();
    ProposeResult last = null;
    while (System.nanoTime() < deadline) {
      if (committedLeaderView().filter(done).isPresent()) return;
      String target = cluster.leader().orElse(null);
      if (target != null) {
        last = RaftTestCluster.await(cluster.changeMembership(target, kind, id));
        if (last instanceof ProposeResult.Applied) return;
        if (last instanceof ProposeResult.Rejected r && r.reason() == RejectReason.INVALID
            && committedLeaderView().filter(done).isEmpty()) {
          throw new AssertionError(kind + " " + id + " refused: " + r.message() + " (seed "
              + cluster.seed() + ")\n" + cluster.describe());
        }
      }
      LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError(kind + " " + id + " not done within " + timeout + ", last answer " + last
        + " (seed " + cluster.seed() + ")\n" + cluster.describe());
  }

  /** The leader's configuration, if it has committed it. */
  private Optional<NodeStatus> committedLeaderView() {
    try {
      return cluster.leader().map(cluster::status).filter(s -> s.commitIndex() >= s.configIndex());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
