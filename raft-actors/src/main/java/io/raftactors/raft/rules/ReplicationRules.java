package io.raftactors.raft.rules;

import io.raftactors.raft.log.LogView;

/** Pure decisions of a replicator (the leader's per-follower progress). */
public final class ReplicationRules {
  private ReplicationRules() {}

  /**
   * The next index to try after a follower rejected {@code prevLogIndex = rejectedIndex}, using
   * its hint to skip a whole conflicting term per round trip instead of one entry (Raft 5.3):
   *
   * <ul>
   *   <li>follower log too short ({@code hintTerm == 0}): continue right after its last entry;
   *   <li>follower has {@code hintTerm} at the rejected index: if the leader also has entries of
   *       that term, continue after the leader's last one of them (the logs agree up to there, at
   *       most); otherwise skip the follower's whole term, to its first index of it.
   * </ul>
   *
   * The result always lies in {@code [matchIndex + 1, rejectedIndex]}, so every rejection makes
   * progress and never steps below what the follower is known to hold.
   */
  public static long nextIndexAfterReject(
      LogView leaderLog, long matchIndex, long rejectedIndex, long hintIndex, long hintTerm) {
    long next;
    if (hintTerm == 0) {
      next = hintIndex;
    } else {
      long leaderLast = leaderLog.lastIndexOfTerm(hintTerm, rejectedIndex);
      next = leaderLast > 0 ? leaderLast + 1 : hintIndex;
    }
    return Math.max(matchIndex + 1, Math.min(next, rejectedIndex));
  }
}
