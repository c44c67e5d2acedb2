package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ReceiveBuilder;
import io.raftactors.raft.Propose;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.AppendResponse;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.rules.AppendRules;
import java.util.List;

/**
 * Follower: copies the leader's log, answers votes, forwards proposals to the leader.
 *
 * <p>In: from Recovering at start; from any role on a higher term; from a candidate that sees the
 * leader of its term; from a leader that loses its quorum. Out: to PreCandidate (or Candidate
 * without pre-vote) when the election timer fires without word from a leader.
 */
final class Follower extends RoleBehavior {

  Follower(NodeContext ctx) {
    super(ctx);
  }

  @Override
  Role role() {
    return Role.FOLLOWER;
  }

  @Override
  void addHandlers(ReceiveBuilder<RaftNode.Command> builder) {
    builder.onMessageEquals(Internal.ElectionTimeout.INSTANCE, this::onElectionTimeout);
  }

  @Override
  Behavior<RaftNode.Command> onMessage(RaftMessage message) {
    if (message instanceof AppendEntries append) return onAppendEntries(append);
    if (message instanceof InstallSnapshot chunk) {
      ctx.heardFromLeader(chunk.from());
      ctx.extendElectionDeadline();
      ctx.waiting.forwardIfLeaderKnown();
      ctx.receiver.onChunk(chunk);
      return this;
    }
    if (message instanceof RequestVote request && Voting.answer(ctx, request)) {
      ctx.startElectionTimer();
    }
    if (message instanceof io.raftactors.raft.protocol.TimeoutNow now) return onTimeoutNow(now);
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onPropose(Propose propose) {
    ctx.waiting.route(propose);
    return this;
  }

  /** The leader hands leadership over (dissertation 3.10): campaign now, without a pre-vote. */
  private Behavior<RaftNode.Command> onTimeoutNow(io.raftactors.raft.protocol.TimeoutNow now) {
    if (!now.from().equals(ctx.leaderId) || !ctx.isVoter()) return this;
    ctx.logger().info("[{}] {} hands over leadership of term {}; campaigning", ctx.selfId, now.from(),
        ctx.currentTerm);
    return ctx.roles.becomeCandidate(true);
  }

  private Behavior<RaftNode.Command> onElectionTimeout() {
    if (!ctx.electionTimerExpired()) return this;
    if (!ctx.isVoter()) {
      // A learner, a node not yet added, or one removed: it never campaigns (and so a node
      // started outside the configuration never forms a cluster of its own).
      ctx.startElectionTimer();
      return this;
    }
    ctx.logger().debug("[{}] no word from a leader in term {}", ctx.selfId, ctx.currentTerm);
    return ctx.settings.preVote() ? ctx.roles.becomePreCandidate() : ctx.roles.becomeCandidate();
  }

  /** AppendEntries of the current term (Figure 2, "AppendEntries RPC, receiver implementation"). */
  private Behavior<RaftNode.Command> onAppendEntries(AppendEntries m) {
    ctx.heardFromLeader(m.from());
    ctx.extendElectionDeadline();
    ctx.waiting.forwardIfLeaderKnown();

    // Rule 2: reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm.
    AppendRules.Check check = AppendRules.check(ctx.log.view(), m.prevLogIndex(), m.prevLogTerm());
    if (!check.matches()) {
      ctx.sendDurably(
          m.from(),
          AppendResponse.reject(
              ctx.currentTerm,
              ctx.selfId,
              m.prevLogIndex(),
              check.hintIndex(),
              check.hintTerm(),
              ctx.log.lastIndex(),
              m.readRound()));
      return this;
    }

    // Rules 3-4: delete a conflicting suffix (never a committed entry), append what is new.
    List<LogEntry> entries = m.entries();
    if (!entries.isEmpty()) ctx.sampleLeaderClock(entries);
    int firstNew = AppendRules.firstNewEntry(ctx.log.view(), entries);
    if (firstNew < entries.size()) {
      long from = entries.get(firstNew).index();
      if (from <= ctx.log.lastIndex()) ctx.truncateLogFrom(from);
      ctx.appendToLog(entries.subList(firstNew, entries.size()));
    }

    // Rule 5: commitIndex = min(leaderCommit, index of last new entry).
    long lastNew = m.lastIndex();
    ctx.advanceCommit(AppendRules.followerCommit(ctx.commitIndex.get(), m.leaderCommit(), lastNew));

    // Acknowledge only once everything acknowledged is durable: the term, and entries up to
    // lastNew. When they already are (a heartbeat, or entries held before), answer at once, so
    // that a slow fsync of other writes does not delay the leader's check-quorum and read rounds.
    AppendResponse success =
        AppendResponse.success(ctx.currentTerm, ctx.selfId, lastNew, ctx.log.lastIndex(), m.readRound());
    if (firstNew == entries.size() && ctx.journal.termVoteDurable()
        && lastNew <= ctx.journal.durableMatchIndex()) {
      ctx.send(m.from(), success);
    } else {
      ctx.sendDurably(m.from(), success);
    }
    return this;
  }
}
