package io.raftactors.raft.protocol;

import io.raftactors.raft.log.LogEntry;
import java.util.List;

/**
 * AppendEntries (Raft Figure 2). With no entries it is a heartbeat. Entries are consecutive and
 * start at {@code prevLogIndex + 1}.
 */
public record AppendEntries(
    long term,
    String from,
    long prevLogIndex,
    long prevLogTerm,
    List<LogEntry> entries,
    long leaderCommit)
    implements RaftMessage {

  public AppendEntries {
    entries = List.copyOf(entries);
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
        + "]";
  }
}
