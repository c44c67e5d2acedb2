package io.raftactors.raft.protocol;

/**
 * The answer to an {@link AppendEntries}, sent only after the follower's journal made every entry
 * it acknowledges durable.
 *
 * @param matchIndex on success: the follower's log matches the leader's up to this index
 * @param rejectedIndex on failure: the {@code prevLogIndex} that did not match (lets the leader
 *     ignore stale rejections)
 * @param hintIndex on failure: where the leader should look next: the first index of {@code
 *     hintTerm} in the follower's log, or the follower's last index + 1 when its log is too short
 * @param hintTerm on failure: the follower's term at {@code rejectedIndex}, or 0 when its log is
 *     too short (fast backtracking, Raft 5.3)
 * @param lastLogIndex the follower's last log index
 * @param readRound the {@link AppendEntries#readRound()} this answers
 */
public record AppendResponse(
    long term,
    String from,
    boolean success,
    long matchIndex,
    long rejectedIndex,
    long hintIndex,
    long hintTerm,
    long lastLogIndex,
    long readRound)
    implements RaftMessage {

  public static AppendResponse success(
      long term, String from, long matchIndex, long lastLogIndex, long readRound) {
    return new AppendResponse(term, from, true, matchIndex, 0, 0, 0, lastLogIndex, readRound);
  }

  public static AppendResponse reject(long term, String from, long rejectedIndex, long hintIndex,
      long hintTerm, long lastLogIndex, long readRound) {
    return new AppendResponse(
        term, from, false, 0, rejectedIndex, hintIndex, hintTerm, lastLogIndex, readRound);
  }
}
