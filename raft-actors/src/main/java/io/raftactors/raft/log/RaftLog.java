package io.raftactors.raft.log;

import java.util.Arrays;
import java.util.List;

/**
 * The in-memory log of one node, owned by its RaftNode actor (single writer). It mirrors what
 * the journal holds, plus entries whose journal write is still in flight.
 *
 * <p>Entries live in fixed-size chunks indexed by log index. {@link #view()} hands out immutable
 * {@link LogView}s that other actors may read while this log keeps changing, because:
 *
 * <ul>
 *   <li>appending writes only slots beyond every view's {@code lastIndex};
 *   <li>truncating a suffix never writes a slot a view can see: the chunk that holds the cut is
 *       copied, and the chunk directory is copied whenever it changes (copy-on-write).
 * </ul>
 *
 * <p>Invariants: terms never decrease along the log; indexes are consecutive from {@code
 * snapshotIndex + 1} to {@code lastIndex}.
 */
public final class RaftLog {
  private LogEntry[][] chunks = new LogEntry[0][];
  private long base = 1; // log index stored in slot 0 of chunk 0
  private long snapshotIndex = 0;
  private long snapshotTerm = 0;
  private long lastIndex = 0;
  /** cumulative[i - firstIndex] = bytes of entries firstIndex..i (owner-only accounting). */
  private long[] cumulative = new long[1024];

  private LogView view = new LogView(chunks, base, 0, 0, 0);

  /** The current immutable view (O(1)). */
  public LogView view() {
    return view;
  }

  public long lastIndex() {
    return lastIndex;
  }

  public long lastTerm() {
    return view.lastTerm();
  }

  public long firstIndex() {
    return snapshotIndex + 1;
  }

  public long term(long index) {
    return view.term(index);
  }

  public LogEntry entry(long index) {
    return view.entry(index);
  }

  /**
   * Appends consecutive entries; the first must have index {@code lastIndex + 1} and no entry may
   * have a lower term than the one before it.
   */
  public void append(List<LogEntry> entries) {
    if (entries.isEmpty()) return;
    long prevTerm = view.lastTerm();
    for (LogEntry e : entries) {
      if (e.index() != lastIndex + 1) {
        throw new IllegalArgumentException(
            "non-consecutive append: expected index " + (lastIndex + 1) + " but got " + e.index());
      }
      if (e.term() < prevTerm) {
        throw new IllegalArgumentException(
            "term goes backwards at index " + e.index() + ": " + e.term() + " < " + prevTerm);
      }
      prevTerm = e.term();
      long offset = e.index() - base;
      int chunk = (int) (offset >>> LogView.CHUNK_BITS);
      if (chunk == chunks.length) {
        chunks = Arrays.copyOf(chunks, chunk + 1);
        chunks[chunk] = new LogEntry[LogView.CHUNK_SIZE];
      }
      chunks[chunk][(int) (offset & LogView.CHUNK_MASK)] = e;
      int slot = (int) (e.index() - firstIndex());
      if (slot == cumulative.length) cumulative = Arrays.copyOf(cumulative, slot * 2);
      cumulative[slot] = (slot == 0 ? 0 : cumulative[slot - 1]) + e.sizeInBytes();
      lastIndex = e.index();
    }
    view = new LogView(chunks, base, snapshotIndex, snapshotTerm, lastIndex);
  }

  /** Removes every entry with index {@code >= from}; a no-op when {@code from > lastIndex}. */
  public void truncateFrom(long from) {
    if (from <= snapshotIndex) {
      throw new IllegalArgumentException(
          "cannot truncate from " + from + ": entries up to " + snapshotIndex + " are compacted");
    }
    if (from > lastIndex) return;
    long offset = from - base;
    int chunk = (int) (offset >>> LogView.CHUNK_BITS);
    int slot = (int) (offset & LogView.CHUNK_MASK);
    LogEntry[][] copy = Arrays.copyOf(chunks, slot == 0 ? chunk : chunk + 1);
    if (slot != 0) {
      LogEntry[] cut = Arrays.copyOf(chunks[chunk], LogView.CHUNK_SIZE);
      Arrays.fill(cut, slot, LogView.CHUNK_SIZE, null);
      copy[chunk] = cut;
    }
    chunks = copy;
    lastIndex = from - 1;
    view = new LogView(chunks, base, snapshotIndex, snapshotTerm, lastIndex);
  }

  /**
   * Forgets the entries up to {@code upTo}, which a snapshot now covers: the log starts at {@code
   * upTo + 1} and remembers the term of {@code upTo}. Views taken before keep what they saw (only
   * whole chunks are dropped, from a copy of the chunk directory).
   */
  public void compactTo(long upTo) {
    if (upTo <= snapshotIndex) return;
    if (upTo > lastIndex) {
      throw new IllegalArgumentException("cannot compact to " + upTo + ": the log ends at " + lastIndex);
    }
    long termAtUpTo = term(upTo);
    int drop = (int) ((upTo + 1 - base) >>> LogView.CHUNK_BITS);
    if (drop > 0) {
      chunks = Arrays.copyOfRange(chunks, drop, chunks.length);
      base += (long) drop << LogView.CHUNK_BITS;
    }
    int shift = (int) (upTo - snapshotIndex);
    int kept = (int) (lastIndex - upTo);
    long droppedBytes = cumulative[shift - 1];
    long[] rebased = new long[Math.max(1024, Integer.highestOneBit(Math.max(1, kept)) * 2)];
    for (int i = 0; i < kept; i++) rebased[i] = cumulative[shift + i] - droppedBytes;
    cumulative = rebased;
    snapshotIndex = upTo;
    snapshotTerm = termAtUpTo;
    view = new LogView(chunks, base, snapshotIndex, snapshotTerm, lastIndex);
  }

  /**
   * Replaces the whole log by "everything up to {@code index} (of term {@code term}) is in a
   * snapshot": what a follower does when it installs a snapshot its log does not match.
   */
  public void resetTo(long index, long term) {
    if (index < snapshotIndex) {
      throw new IllegalArgumentException("cannot reset to " + index + ": already compacted to " + snapshotIndex);
    }
    chunks = new LogEntry[0][];
    base = index + 1;
    snapshotIndex = index;
    snapshotTerm = term;
    lastIndex = index;
    cumulative = new long[1024];
    view = new LogView(chunks, base, snapshotIndex, snapshotTerm, lastIndex);
  }

  /** Total {@link LogEntry#sizeInBytes()} of the entries in {@code (after, upTo]}. */
  public long bytesBetween(long after, long upTo) {
    return cumulativeAt(upTo) - cumulativeAt(after);
  }

  private long cumulativeAt(long index) {
    if (index <= snapshotIndex) return 0;
    long clamped = Math.min(index, lastIndex);
    if (clamped <= snapshotIndex) return 0;
    return cumulative[(int) (clamped - firstIndex())];
  }
}
