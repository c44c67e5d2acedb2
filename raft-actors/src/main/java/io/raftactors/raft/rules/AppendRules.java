package io.raftactors.raft.rules;

import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.LogView;
import java.util.List;

/** Pure decisions of a follower receiving AppendEntries (Raft Figure 2, 5.3). */
public final class AppendRules {
  private AppendRules() {}

  /**
   * Outcome of the consistency check.
   *
   * @param hintIndex on mismatch: first index of {@code hintTerm} in the follower's log, or its
   *     last index + 1 when the log is too short
   * @param hintTerm on mismatch: the follower's term at the checked index, or 0 when too short
   */
  public record Check(boolean matches, long hintIndex, long hintTerm) {
    static final Check MATCH = new Check(true, 0, 0);
  }

  /**
   * The (prevLogIndex, prevLogTerm) check: does the follower's log hold an entry at {@code
   * prevIndex} whose term is {@code prevTerm}? An index covered by the follower's snapshot is
   * committed and therefore matches. On mismatch, computes the fast-backtracking hint.
   */
  public static Check check(LogView log, long prevIndex, long prevTerm) {
    if (prevIndex <= log.snapshotIndex()) return Check.MATCH;
    if (prevIndex > log.lastIndex()) return new Check(false, log.lastIndex() + 1, 0);
    long term = log.term(prevIndex);
    if (term == prevTerm) return Check.MATCH;
    long first = log.firstIndexOfTerm(term);
    return new Check(false, Math.max(first, log.firstIndex()), term);
  }

  /**
   * Position in {@code entries} of the first entry the follower does not already hold: beyond its
   * last index or with a different term at the same index (a conflict). Returns {@code
   * entries.size()} when the follower holds them all. Entries already held are never rewritten,
   * so a stale or duplicated AppendEntries never truncates anything.
   */
  public static int firstNewEntry(LogView log, List<LogEntry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      LogEntry e = entries.get(i);
      if (e.index() <= log.snapshotIndex()) continue;
      if (e.index() > log.lastIndex()) return i;
      if (log.term(e.index()) != e.term()) return i;
    }
    return entries.size();
  }

  /**
   * The follower's new commit index (Figure 2, rule 5): {@code min(leaderCommit, index of last new
   * entry)}, never moving backwards.
   */
  public static long followerCommit(long currentCommit, long leaderCommit, long lastNewIndex) {
    return Math.max(currentCommit, Math.min(leaderCommit, lastNewIndex));
  }
}
