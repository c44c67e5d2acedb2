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
 * Pre-candidate (dissertation 9.6): asks whether a majority would vote for it in the next term,
 * without raising its own term, so a node that cannot win (partitioned away, stale log) never
 * disturbs the cluster.
 *
 * <p>In: from Follower (or itself, or Candidate) when the election timer fires. Out: Candidate
 * once a majority grants the pre-vote; Follower when a majority refuses, or a leader of the
 * current term appears, or a higher term is seen.
 */
final class PreCandidate extends RoleBehavior {
  private final Set<String> granted = new HashSet<>();
  private final Set<String> refused = new HashSet<>();

  PreCandidate(NodeContext ctx) {
    super(ctx);
    granted.add(ctx.selfId);
    RequestVote request =
        new RequestVote(
            ctx.currentTerm + 1, ctx.selfId, ctx.log.lastIndex(), ctx.log.lastTerm(), true);
    for (String peer : ctx.peerIds) ctx.send(peer, request);
  }

  @Override
  Role role() {
    return Role.PRE_CANDIDATE;
  }

  @Override
  void addHandlers(ReceiveBuilder<RaftNode.Command> builder) {
    builder.onMessageEquals(
        Internal.ElectionTimeout.INSTANCE, () -> ctx.roles.becomePreCandidate());
  }

  @Override
  Behavior<RaftNode.Command> onMessage(RaftMessage message) {
    if (message instanceof VoteResponse response && response.preVote()) {
      return onPreVoteResponse(response);
    }
    if (message instanceof AppendEntries || message instanceof InstallSnapshot) {
      return ctx.roles.becomeFollower(ctx.currentTerm, message.from()).onMessage(message);
    }
    if (message instanceof RequestVote request) Voting.answer(ctx, request);
    return this;
  }

  private Behavior<RaftNode.Command> onPreVoteResponse(VoteResponse response) {
    // A snapshot installed meanwhile may have changed the configuration: it may not even vote now.
    if (!ctx.isVoter()) return ctx.roles.becomeFollower(ctx.currentTerm, null);
    if (!ctx.voters.contains(response.from())) return this; // only voting members count
    if (response.granted() && response.term() == ctx.currentTerm + 1) {
      granted.add(response.from());
      if (granted.stream().filter(ctx.voters::contains).count() >= ctx.quorum()) return ctx.roles.becomeCandidate();
    } else if (!response.granted()) {
      refused.add(response.from());
      if (refused.size() >= ctx.quorum()) return ctx.roles.becomeFollower(ctx.currentTerm, null);
    }
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onPropose(Propose propose) {
    ctx.waiting.route(propose);
    return this;
  }
}
