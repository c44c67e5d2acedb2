package io.raftactors.raft.protocol;

/**
 * RequestVote (Raft Figure 2), or with {@code preVote} the pre-vote of dissertation 9.6: a
 * pre-vote asks "would you vote for me in {@code term}?" and changes no state at the receiver.
 *
 * @param transfer the candidate campaigns because its leader handed leadership to it ({@link
 *     TimeoutNow}, dissertation 3.10): receivers consider it even while they hear from that leader
 */
public record RequestVote(
    long term, String from, long lastLogIndex, long lastLogTerm, boolean preVote, boolean transfer)
    implements RaftMessage {

  public RequestVote(long term, String from, long lastLogIndex, long lastLogTerm, boolean preVote) {
    this(term, from, lastLogIndex, lastLogTerm, preVote, false);
  }
}
