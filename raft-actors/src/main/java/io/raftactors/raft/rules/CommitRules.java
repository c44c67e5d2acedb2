package io.raftactors.raft.rules;

import io.raftactors.raft.log.LogView;
import java.util.Arrays;

/** Pure decisions of the leader's commit index (Raft 5.3, 5.4.2). */
public final class CommitRules {
  private CommitRules() {}

  /**
   * The highest index that a majority of voters hold, given each voter's durable match index (the
   * leader's own entry is its durable index).
   */
  public static long quorumIndex(long[] matchIndexes) {
    if (matchIndexes.length == 0) throw new IllegalArgumentException("no voters");
    long[] sorted = matchIndexes.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length - VoteRules.quorum(sorted.length)];
  }

  /**
   * The leader's new commit index. Only an entry of the leader's current term is committed by
   * counting replicas (Figure 8: a previous-term entry on a majority can still be overwritten);
   * earlier entries become committed with it (Log Matching).
   */
  public static long advance(long currentCommit, long quorumIndex, LogView log, long currentTerm) {
    if (quorumIndex <= currentCommit) return currentCommit;
    if (quorumIndex > log.lastIndex()) {
      throw new IllegalStateException(
          "quorum index " + quorumIndex + " beyond the leader's last index " + log.lastIndex());
    }
    return log.term(quorumIndex) == currentTerm ? quorumIndex : currentCommit;
  }
}
