package io.raftactors.raft.protocol;

/**
 * The answer to a {@link RequestVote}. A granted pre-vote carries the term that was asked for; a
 * refusal carries the voter's current term.
 */
public record VoteResponse(long term, String from, boolean granted, boolean preVote)
    implements RaftMessage {}
