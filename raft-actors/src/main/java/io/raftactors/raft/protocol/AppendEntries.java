package io.raftactors.raft.protocol;

import io.raftactors.raft.log.LogEntry;
import java.util.List;

/**
 * AppendEntries (Raft Figure 2). With no entries it is a heartbeat. Entries are consecutive and
 * start at {@code prevLogIndex + 1}.
 *
 * @param readRound the leader's newest read round when sent; echoed in the answer, so that a
 *     majority of answers of one round confirms leadership for the reads waiting on it (ReadIndex)
 */
public record AppendEntries(
    long term,
    String from,
    long prevLogIndex,
    long prevLogTerm,
    List<LogEntry> entries,
    long leaderCommit,
    long readRound)
    implements RaftMessage {

  /** Rejects a malformed message (from a faulty peer or a bad frame) before any node sees it. */
  public AppendEntries {
    entries = List.copyOf(entries);
    long expected = prevLogIndex + 1;
    long lastTerm = prevLogTerm;
    for (LogEntry e : entries) {
      if (e.index() != expected || e.term() < lastTerm || e.term() > term) {
        throw new IllegalArgumentException("malformed AppendEntries from " + from + ": entry "
            + e + " after index " + (expected - 1) + " of term " + lastTerm + " in term " + term);
      }
      expected++;
      lastTerm = e.term();
    }
    if (prevLogIndex < 0 || prevLogTerm < 0 || leaderCommit < 0 || prevLogTerm > term) {
      throw new IllegalArgumentException("malformed AppendEntries from " + from + ": prev "
          + prevLogIndex + "@" + prevLogTerm + ", commit " + leaderCommit + ", term " + term);
    }
  }

  /** Index of the last entry this message carries, or {@code prevLogIndex} for a heartbeat. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }

  @Override
  public String toString() {
    return "AppendEntries[term="
        + term
        + ", from="
        + from
        + ", prev="
        + prevLogIndex
        + "@"
        + prevLogTerm
        + ", entries="
        + entries.size()
        + ", commit="
        + leaderCommit
        + ", round="
        + readRound
        + "]";
  }
}
