package io.raftactors.raft.rules;

/** Pure decisions of leader election (Raft 5.2, 5.4.1; dissertation 9.6). */
public final class VoteRules {
  private VoteRules() {}

  /**
   * The election restriction (Raft 5.4.1): a candidate's log is at least as up-to-date as the
   * voter's if its last term is higher, or the last terms are equal and its log is at least as
   * long.
   */
  public static boolean isUpToDate(
      long candidateLastTerm, long candidateLastIndex, long voterLastTerm, long voterLastIndex) {
    if (candidateLastTerm != voterLastTerm) return candidateLastTerm > voterLastTerm;
    return candidateLastIndex >= voterLastIndex;
  }

  /**
   * Whether to grant a vote in the voter's current term: at most one candidate per term (Figure
   * 2: votedFor is null or the candidate) and the candidate's log is up to date.
   */
  public static boolean grantVote(
      String votedFor,
      String candidate,
      long candidateLastTerm,
      long candidateLastIndex,
      long voterLastTerm,
      long voterLastIndex) {
    boolean free = votedFor == null || votedFor.equals(candidate);
    return free
        && isUpToDate(candidateLastTerm, candidateLastIndex, voterLastTerm, voterLastIndex);
  }

  /**
   * Whether to grant a pre-vote (dissertation 9.6): the asked-for term is beyond the voter's, the
   * candidate's log is up to date, and the voter has not heard from a live leader within the
   * minimum election timeout (a voter that has, believes the leader is fine and refuses).
   */
  public static boolean grantPreVote(
      long askedTerm,
      long voterTerm,
      boolean voterHearsFromLeader,
      long candidateLastTerm,
      long candidateLastIndex,
      long voterLastTerm,
      long voterLastIndex) {
    return askedTerm > voterTerm
        && !voterHearsFromLeader
        && isUpToDate(candidateLastTerm, candidateLastIndex, voterLastTerm, voterLastIndex);
  }

  /** Votes needed to win among {@code voters} voting members: a strict majority. */
  public static int quorum(int voters) {
    return voters / 2 + 1;
  }
}
