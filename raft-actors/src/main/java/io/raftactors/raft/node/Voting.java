package io.raftactors.raft.node;

import io.raftactors.raft.log.LogView;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.protocol.VoteResponse;
import io.raftactors.raft.rules.VoteRules;

/** How every role answers a vote request that passed the term gate. */
final class Voting {
  private Voting() {}

  /**
   * Answers {@code request}; returns true when a (real) vote was granted, after which a follower
   * restarts its election timer. A granted vote is durable before the answer leaves (Figure 2).
   */
  static boolean answer(NodeContext ctx, RequestVote request) {
    LogView log = ctx.log.view();
    if (request.preVote()) {
      boolean grant =
          VoteRules.grantPreVote(
              request.term(),
              ctx.currentTerm,
              ctx.hearsFromLeader(),
              request.lastLogTerm(),
              request.lastLogIndex(),
              log.lastTerm(),
              log.lastIndex());
      long term = grant ? request.term() : ctx.currentTerm;
      ctx.sendDurably(request.from(), new VoteResponse(term, ctx.selfId, grant, true));
      return false;
    }
    boolean grant =
        VoteRules.grantVote(
            ctx.votedFor,
            request.from(),
            request.lastLogTerm(),
            request.lastLogIndex(),
            log.lastTerm(),
            log.lastIndex());
    if (grant && ctx.votedFor == null) ctx.voteFor(request.from());
    ctx.sendDurably(request.from(), new VoteResponse(ctx.currentTerm, ctx.selfId, grant, false));
    return grant;
  }
}
