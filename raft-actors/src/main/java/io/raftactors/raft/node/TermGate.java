package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.AppendResponse;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.InstallSnapshotResponse;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.protocol.VoteResponse;

/**
 * The one place where a message's term is compared with the node's (Raft Figure 2, "Rules for
 * Servers"): a higher term makes the node a follower of that term (durably) before any role sees
 * the message; a lower term gets an answer carrying the current term, so the stale sender learns
 * it; roles only ever see messages of their own term.
 *
 * <p>Exceptions: pre-vote requests and granted pre-vote responses carry a term the sender only
 * considers and never raise anyone's term (dissertation 9.6); with check-quorum, a vote request
 * of a higher term is ignored while this node hears from a live leader (dissertation 4.2.3), so a
 * removed server that never learned of its removal cannot depose the leader; except a campaign the
 * leader itself started by handing leadership over (TimeoutNow, dissertation 3.10).
 */
final class TermGate {
  private TermGate() {}

  static Behavior<RaftNode.Command> handle(NodeContext ctx, RoleBehavior role, RaftMessage m) {
    ctx.metrics.messages.received(m); // every RaftMessage a role handles passes here once
    if (m.term() > ctx.currentTerm) {
      if (m instanceof RequestVote rv) {
        if (rv.preVote()) return role.onMessage(m);
        if (ctx.settings.checkQuorum() && ctx.hearsFromLeader() && !rv.transfer()) {
          ctx.logger()
              .debug(
                  "[{}] ignoring vote request of {} for term {}: leader {} is alive",
                  ctx.selfId, rv.from(), rv.term(), ctx.leaderId);
          return role;
        }
      } else if (m instanceof VoteResponse vr && vr.preVote() && vr.granted()) {
        return role.onMessage(m);
      }
      String leader = m instanceof AppendEntries || m instanceof InstallSnapshot ? m.from() : null;
      return ctx.roles.becomeFollower(m.term(), leader).onMessage(m);
    }
    if (m.term() < ctx.currentTerm) {
      answerStale(ctx, m);
      return role;
    }
    return role.onMessage(m);
  }

  private static void answerStale(NodeContext ctx, RaftMessage m) {
    if (m instanceof AppendEntries ae) {
      ctx.sendDurably(
          ae.from(),
          AppendResponse.reject(
              ctx.currentTerm, ctx.selfId, ae.prevLogIndex(), 0, 0, ctx.log.lastIndex(), 0));
    } else if (m instanceof RequestVote rv) {
      ctx.sendDurably(rv.from(), new VoteResponse(ctx.currentTerm, ctx.selfId, false, rv.preVote()));
    } else if (m instanceof InstallSnapshot is) {
      ctx.send(is.from(), new InstallSnapshotResponse(ctx.currentTerm, ctx.selfId, is.snapshotIndex(),
          is.snapshotTerm(), 0, InstallSnapshotResponse.Status.RESEND));
    }
    // Responses of an older term answer a question this node no longer asks: dropped.
  }
}
