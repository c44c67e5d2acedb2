package io.raftactors.raft.node;

import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.Membership;
import io.raftactors.raft.RejectReason;

/**
 * Whether a leader may make a membership change now, and the configuration it leads to
 * (dissertation 4.2-4.4, single-server changes): one change at a time, only once the leader
 * committed an entry of its own term (the fix to the single-server algorithm, so a change never
 * overlaps one an earlier leader left uncommitted), and a learner becomes a voter only when it has
 * nearly caught up.
 */
final class MembershipRules {
  private MembershipRules() {}

  /** The configuration after {@code change}, or why it cannot be made ({@code refusal}). */
  record Decision(Membership next, RejectReason refusal, String message) {
    static Decision refuse(RejectReason reason, String message) {
      return new Decision(null, reason, message);
    }
  }

  /**
   * @param committedOwnTerm the leader has committed an entry of its current term
   * @param changeCommitted the latest configuration in the log is committed
   * @param learnerLag how many entries the named node's log is behind the leader's (for PROMOTE);
   *     {@code Long.MAX_VALUE}: it has not answered lately
   */
  static Decision decide(
      ChangeMembership change, Membership current, boolean committedOwnTerm, boolean changeCommitted,
      long learnerLag, long promoteMaxLag) {
    if (!committedOwnTerm) {
      return Decision.refuse(RejectReason.BUSY, "the leader has not yet committed an entry of its term");
    }
    if (!changeCommitted) {
      return Decision.refuse(RejectReason.BUSY, "the previous membership change is not committed yet");
    }
    String id = change.nodeId();
    switch (change.kind()) {
      case ADD_LEARNER -> {
        if (current.isMember(id)) {
          return Decision.refuse(RejectReason.INVALID,
              id + " is already a " + (current.isVoter(id) ? "voter" : "learner"));
        }
        return new Decision(current.withLearner(id, change.address()), null, null);
      }
      case PROMOTE -> {
        if (!current.isLearner(id)) {
          return Decision.refuse(RejectReason.INVALID, current.isVoter(id)
              ? id + " is already a voter" : id + " is not a learner (add it first)");
        }
        if (learnerLag == Long.MAX_VALUE) {
          return Decision.refuse(RejectReason.BUSY, "learner " + id + " has not answered the leader lately"
              + " (is it running, and is its address right?); try again once it has caught up");
        }
        if (learnerLag > promoteMaxLag) {
          return Decision.refuse(RejectReason.BUSY, "learner " + id + " is " + learnerLag
              + " entries behind the leader (raft.membership.promote-max-lag = " + promoteMaxLag
              + "); try again once it has caught up");
        }
        return new Decision(current.promoted(id), null, null);
      }
      case REMOVE -> {
        if (!current.isMember(id)) return Decision.refuse(RejectReason.INVALID, id + " is not a member");
        if (current.isVoter(id) && current.voters().size() == 1) {
          return Decision.refuse(RejectReason.INVALID, id + " is the only voter");
        }
        return new Decision(current.without(id), null, null);
      }
      default -> throw new IllegalArgumentException("unknown change " + change.kind());
    }
  }
}
