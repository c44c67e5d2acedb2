package io.raftactors.raft.node;

import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RejectReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a node that does not lead puts proposals: forwarded to the leader when one is known,
 * otherwise held (bounded in number and time) until a leader is known, then forwarded, or
 * rejected with NO_LEADER after {@code raft.proposals.leader-wait-timeout}. Nothing here was
 * appended, so every rejection is a "definitely not applied".
 */
final class WaitingProposals {
  private record Waiting(Propose propose, long deadlineNanos) {}

  private final NodeContext ctx;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();

  WaitingProposals(NodeContext ctx) {
    this.ctx = ctx;
  }

  /** Checks limits that hold at every node; returns false (after answering) when one is hit. */
  boolean admit(Propose p) {
    if (p.command().length > ctx.settings.maxCommandBytes()) {
      reject(p, RejectReason.TOO_LARGE,
          "command of " + p.command().length + " bytes exceeds raft.limits.max-command-bytes ("
              + ctx.settings.maxCommandBytes() + ")");
      return false;
    }
    if (ctx.unappliedBytes() > ctx.settings.maxUnappliedBytes()) {
      reject(p, RejectReason.OVERLOADED,
          "node " + ctx.selfId + " has " + ctx.unappliedBytes()
              + " unapplied bytes (raft.limits.max-unapplied-bytes)");
      return false;
    }
    return true;
  }

  /** A proposal arriving at a node that does not lead. */
  void route(Propose p) {
    if (!admit(p)) return;
    String leader = ctx.leaderId;
    if (leader != null && !leader.equals(ctx.selfId)) {
      if (p.hops() >= ctx.settings.maxForwardHops()) {
        reject(p, RejectReason.NO_LEADER,
            "forwarded " + p.hops() + " times without reaching the leader");
      } else {
        ctx.send(leader, p.nextHop());
      }
      return;
    }
    hold(p);
  }

  private void hold(Propose p) {
    if (queue.size() >= ctx.settings.maxWaitingProposals()) {
      reject(p, RejectReason.OVERLOADED,
          "no leader known and raft.limits.max-waiting-proposals ("
              + ctx.settings.maxWaitingProposals() + ") are waiting");
      return;
    }
    if (queue.isEmpty()) {
      ctx.timers.startTimerWithFixedDelay(
          NodeContext.LEADER_WAIT_TIMER,
          Internal.LeaderWaitTick.INSTANCE,
          ctx.settings.electionTimeoutMin().dividedBy(4));
    }
    queue.add(new Waiting(p, ctx.clock.nanoTime() + ctx.settings.leaderWaitTimeout().toNanos()));
  }

  /** Called on role changes and when a leader becomes known: the leader gets what was waiting. */
  void forwardIfLeaderKnown() {
    if (queue.isEmpty() || ctx.leaderId == null || ctx.leaderId.equals(ctx.selfId)) return;
    List<Waiting> all = drainAll();
    for (Waiting w : all) route(w.propose());
  }

  /** Hands every waiting proposal to a new leader of this node. */
  List<Propose> takeAllForLeader() {
    List<Propose> out = new ArrayList<>(queue.size());
    for (Waiting w : drainAll()) out.add(w.propose());
    return out;
  }

  /** Rejects the proposals that waited longer than the leader-wait timeout. */
  void expire() {
    long now = ctx.clock.nanoTime();
    while (!queue.isEmpty() && queue.peek().deadlineNanos() - now <= 0) {
      reject(queue.poll().propose(), RejectReason.NO_LEADER,
          "no leader known within raft.proposals.leader-wait-timeout");
    }
    if (queue.isEmpty()) ctx.timers.cancel(NodeContext.LEADER_WAIT_TIMER);
  }

  private List<Waiting> drainAll() {
    List<Waiting> all = new ArrayList<>(queue);
    queue.clear();
    ctx.timers.cancel(NodeContext.LEADER_WAIT_TIMER);
    return all;
  }

  void reject(Propose p, RejectReason reason, String message) {
    p.replyTo().tell(new ProposeResult.Rejected(reason, message, ctx.leaderId));
  }
}
