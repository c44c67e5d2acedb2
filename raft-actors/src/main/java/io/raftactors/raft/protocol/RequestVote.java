package io.raftactors.raft.protocol;

/**
 * RequestVote (Raft Figure 2), or with {@code preVote} the pre-vote of dissertation 9.6: a
 * pre-vote asks "would you vote for me in {@code term}?" and changes no state at the receiver.
 */
public record RequestVote(
    long term, String from, long lastLogIndex, long lastLogTerm, boolean preVote)
    implements RaftMessage {}
