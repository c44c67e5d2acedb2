package io.raftactors.raft.journal;

import io.raftactors.raft.log.LogEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link MemoryJournal} made "durable": an in-memory store that outlives the journal
 * actor, so a node that crashed (its actors stopped) restarts with exactly what it had
 * acknowledged. Thread-safe, so test observers may read it while the journal writes.
 */
public final class MemoryJournalStore {
  private long term;
  private String votedFor;
  private final ArrayList<LogEntry> entries = new ArrayList<>();

  /** An empty store: term 0, no vote, no entries. */
  public MemoryJournalStore() {}

  /**
   * A store that already holds this state, as if a node had made it durable before (for tests
   * that start from a given situation, e.g. the follower logs of Raft's Figure 7).
   */
  public MemoryJournalStore(long term, String votedFor, List<LogEntry> entries) {
    this.term = term;
    this.votedFor = votedFor;
    append(entries);
  }

  public synchronized long term() {
    return term;
  }

  public synchronized String votedFor() {
    return votedFor;
  }

  public synchronized long lastIndex() {
    return entries.size();
  }

  /** The entry at {@code index}, or null when the store does not hold it. */
  public synchronized LogEntry entry(long index) {
    return index >= 1 && index <= entries.size() ? entries.get((int) (index - 1)) : null;
  }

  /** A copy of the whole log. */
  public synchronized List<LogEntry> entries() {
    return new ArrayList<>(entries);
  }

  synchronized Journal.Recovered recover() {
    return new Journal.Recovered(term, votedFor, List.copyOf(entries));
  }

  synchronized void saveTermVote(long term, String votedFor) {
    this.term = term;
    this.votedFor = votedFor;
  }

  synchronized void append(List<LogEntry> batch) {
    for (LogEntry e : batch) {
      if (e.index() != entries.size() + 1) {
        throw new IllegalStateException(
            "non-consecutive append: expected index "
                + (entries.size() + 1)
                + " but got "
                + e.index());
      }
      entries.add(e);
    }
  }

  synchronized void truncateFrom(long fromIndex) {
    if (fromIndex < 1) throw new IllegalArgumentException("fromIndex must be >= 1: " + fromIndex);
    while (entries.size() >= fromIndex) entries.remove(entries.size() - 1);
  }
}
