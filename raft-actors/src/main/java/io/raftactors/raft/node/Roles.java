package io.raftactors.raft.node;

import io.raftactors.raft.Role;

/**
 * Every role change goes through here (as etcd's becomeFollower/becomeCandidate/becomeLeader), so
 * each one leaves the old role the same way (its {@code onExit}: children stopped, timers
 * cancelled, waiters answered), records the new role and publishes it. Role classes call this
 * instead of each other.
 *
 * <pre>
 *   Recovering --> Follower --timeout--> PreCandidate --majority--> Candidate --majority--> Leader
 *                     ^  ^                   |   (pre-vote off: Follower --> Candidate)       |
 *                     |  `---- lost / leader seen / higher term --------------------------------'
 *                     `------------------ higher term seen by any role ------------------------'
 * </pre>
 */
final class Roles {
  private final NodeContext ctx;

  Roles(NodeContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Follower in {@code term} (entered durably if higher than the current term), following {@code
   * leader} if known.
   */
  RoleBehavior becomeFollower(long term, String leader) {
    leave();
    if (term > ctx.currentTerm) ctx.enterTerm(term);
    ctx.leaderId = leader;
    answerTransfers(term, leader);
    if (leader != null) ctx.lastLeaderContactNanos = ctx.clock.nanoTime();
    return enter(new Follower(ctx));
  }

  /** Asks for pre-votes; with a single voter goes straight on to campaign. */
  RoleBehavior becomePreCandidate() {
    if (!ctx.isVoter()) return becomeFollower(ctx.currentTerm, null); // only voters campaign
    leave();
    ctx.leaderId = null;
    if (ctx.quorum() == 1) return becomeCandidate();
    ctx.metrics.preVoted();
    return enter(new PreCandidate(ctx));
  }

  /** Campaigns in the next term, voting for itself (durably). */
  RoleBehavior becomeCandidate() {
    return becomeCandidate(false);
  }

  /**
   * Campaigns in the next term; {@code transfer}: because the leader handed leadership over
   * ({@code TimeoutNow}), so voters consider it even while they hear from that leader.
   */
  RoleBehavior becomeCandidate(boolean transfer) {
    if (!ctx.isVoter()) return becomeFollower(ctx.currentTerm, null); // only voters campaign
    leave();
    ctx.metrics.campaigned();
    ctx.enterTerm(ctx.currentTerm + 1);
    long voteSeq = ctx.voteFor(ctx.selfId);
    return enter(new Candidate(ctx, voteSeq, transfer));
  }

  /** Leads the current term. */
  RoleBehavior becomeLeader() {
    leave();
    ctx.leaderId = ctx.selfId;
    return enter(new Leader(ctx));
  }

  /** A leader that accepted transfers left: they succeeded if a new term began. */
  private void answerTransfers(long term, String leader) {
    if (ctx.transferWaiters.isEmpty()) return;
    io.raftactors.raft.TransferResult answer = term > ctx.transferTerm
        ? new io.raftactors.raft.TransferResult.Transferred(term, leader)
        : new io.raftactors.raft.TransferResult.NotTransferred(io.raftactors.raft.RejectReason.NO_LEADER,
            ctx.selfId + " stepped down in term " + term + " before another leader appeared", null);
    for (var w : ctx.transferWaiters) w.tell(answer);
    ctx.transferWaiters.clear();
  }

  private void leave() {
    if (ctx.role != null) ctx.role.onExit();
    ctx.timers.cancel(NodeContext.ELECTION_TIMER);
  }

  private RoleBehavior enter(RoleBehavior next) {
    ctx.role = next;
    ctx.publishRole();
    if (next.role() == Role.LEADER) {
      ((Leader) next).start();
    } else {
      ctx.startElectionTimer();
      ctx.waiting.forwardIfLeaderKnown();
    }
    return next;
  }
}
