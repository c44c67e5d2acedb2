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
  /** Index of entries.get(0). */
  private long firstIndex = 1;
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
    if (!entries.isEmpty()) this.firstIndex = entries.get(0).index();
    append(entries);
  }

  public synchronized long term() {
    return term;
  }

  public synchronized String votedFor() {
    return votedFor;
  }

  public synchronized long lastIndex() {
    return firstIndex + entries.size() - 1;
  }

  /** The entry at {@code index}, or null when the store does not hold it. */
  public synchronized LogEntry entry(long index) {
    return index >= firstIndex && index <= lastIndex() ? entries.get((int) (index - firstIndex)) : null;
  }

  /** A copy of the whole log. */
  public synchronized List<LogEntry> entries() {
    return new ArrayList<>(entries);
  }

  synchronized Journal.Recovered recover() {
    return new Journal.Recovered(term, votedFor, List.copyOf(entries), firstIndex);
  }

  synchronized void saveTermVote(long term, String votedFor) {
    this.term = term;
    this.votedFor = votedFor;
  }

  synchronized void append(List<LogEntry> batch) {
    for (LogEntry e : batch) {
      if (e.index() != lastIndex() + 1) {
        throw new IllegalStateException(
            "non-consecutive append: expected index " + (lastIndex() + 1) + " but got " + e.index());
      }
      entries.add(e);
    }
  }

  synchronized void truncateFrom(long fromIndex) {
    if (fromIndex < firstIndex) {
      throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": the store starts at " + firstIndex);
    }
    while (!entries.isEmpty() && lastIndex() >= fromIndex) entries.remove(entries.size() - 1);
  }

  /** The index of the first entry held, or of the next one to append when none is. */
  public synchronized long firstIndex() {
    return firstIndex;
  }

  synchronized void resetTo(long index) {
    entries.clear();
    firstIndex = index + 1;
  }

  synchronized void removePrefix(long upTo) {
    int n = (int) Math.min(entries.size(), Math.max(0, upTo - firstIndex + 1));
    if (n == 0) return;
    entries.subList(0, n).clear();
    firstIndex += n;
  }
}
