package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ReceiveBuilder;
import io.raftactors.raft.Propose;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.protocol.VoteResponse;
import java.util.HashSet;
import java.util.Set;

/**
 * Candidate (Raft 5.2): campaigns in a new term, having voted for itself. Its vote requests leave
 * only once that vote is durable, and its own vote counts only then.
 *
 * <p>In: from PreCandidate after a pre-vote majority (or Follower when pre-vote is off). Out:
 * Leader with a majority of votes; Follower when a leader of this term appears, a majority
 * refuses, or a higher term is seen; a new election when the timer fires.
 */
final class Candidate extends RoleBehavior {
  private final long selfVoteSeq;
  private final Set<String> granted = new HashSet<>();
  private final Set<String> refused = new HashSet<>();

  Candidate(NodeContext ctx, long selfVoteSeq, boolean transfer) {
    super(ctx);
    this.selfVoteSeq = selfVoteSeq;
    RequestVote request = new RequestVote(
        ctx.currentTerm, ctx.selfId, ctx.log.lastIndex(), ctx.log.lastTerm(), false, transfer);
    for (String peer : ctx.peerIds) ctx.sendDurably(peer, request);
    ctx.logger().debug("[{}] campaigning in term {}", ctx.selfId, ctx.currentTerm);
  }

  @Override
  Role role() {
    return Role.CANDIDATE;
  }

  @Override
  void addHandlers(ReceiveBuilder<RaftNode.Command> builder) {
    builder.onMessageEquals(Internal.ElectionTimeout.INSTANCE, this::onElectionTimeout);
  }

  private Behavior<RaftNode.Command> onElectionTimeout() {
    return ctx.settings.preVote() ? ctx.roles.becomePreCandidate() : ctx.roles.becomeCandidate();
  }

  @Override
  Behavior<RaftNode.Command> onMessage(RaftMessage message) {
    if (message instanceof VoteResponse response && !response.preVote()) {
      if (!ctx.voters.contains(response.from())) return this; // only voting members count
      if (response.granted()) {
        granted.add(response.from());
      } else {
        refused.add(response.from());
        if (refused.size() >= ctx.quorum()) return ctx.roles.becomeFollower(ctx.currentTerm, null);
      }
      return maybeWin();
    }
    if (message instanceof AppendEntries || message instanceof InstallSnapshot) {
      return ctx.roles.becomeFollower(ctx.currentTerm, message.from()).onMessage(message);
    }
    if (message instanceof RequestVote request) Voting.answer(ctx, request);
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onDurable() {
    return maybeWin();
  }

  private Behavior<RaftNode.Command> maybeWin() {
    boolean selfVote = ctx.journal.isDurable(selfVoteSeq);
    if (!ctx.isVoter()) return this; // the configuration changed under it (a snapshot): it cannot win
    // Votes of the configuration in force now (it may have changed since they were cast).
    long votes = granted.stream().filter(ctx.voters::contains).count() + (selfVote ? 1 : 0);
    if (selfVote && votes >= ctx.quorum()) return ctx.roles.becomeLeader();
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onPropose(Propose propose) {
    ctx.waiting.route(propose);
    return this;
  }
}
