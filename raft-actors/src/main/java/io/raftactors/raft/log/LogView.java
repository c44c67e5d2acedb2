package io.raftactors.raft.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable view of the log at one moment: entries {@code (snapshotIndex, lastIndex]} plus the
 * term of {@code snapshotIndex}. Cheap to take (O(1)) and safe to hand to other actors (the
 * replicators and the applier): the slots it covers are never written again (see {@link
 * RaftLog}), and it reaches another actor only inside a message, which publishes it safely.
 */
public final class LogView {
  static final int CHUNK_BITS = 10;
  static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  static final int CHUNK_MASK = CHUNK_SIZE - 1;

  private final LogEntry[][] chunks;
  private final long base;
  private final long snapshotIndex;
  private final long snapshotTerm;
  private final long lastIndex;

  LogView(LogEntry[][] chunks, long base, long snapshotIndex, long snapshotTerm, long lastIndex) {
    this.chunks = chunks;
    this.base = base;
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    this.lastIndex = lastIndex;
  }

  /** Index of the last entry covered by a snapshot (0 when none); entries start after it. */
  public long snapshotIndex() {
    return snapshotIndex;
  }

  public long firstIndex() {
    return snapshotIndex + 1;
  }

  public long lastIndex() {
    return lastIndex;
  }

  public long lastTerm() {
    return term(lastIndex);
  }

  public boolean isEmpty() {
    return lastIndex == snapshotIndex;
  }

  /** True when {@code index} is held as an entry in this view. */
  public boolean contains(long index) {
    return index > snapshotIndex && index <= lastIndex;
  }

  /** The entry at {@code index}; it must be in {@code [firstIndex, lastIndex]}. */
  public LogEntry entry(long index) {
    if (!contains(index)) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside (" + snapshotIndex + ", " + lastIndex + "]");
    }
    long offset = index - base;
    return chunks[(int) (offset >>> CHUNK_BITS)][(int) (offset & CHUNK_MASK)];
  }

  /**
   * The term of the entry at {@code index}: 0 for index 0, the snapshot's term at {@code
   * snapshotIndex}. Throws for an index that is compacted away or beyond the end.
   */
  public long term(long index) {
    if (index == snapshotIndex) return snapshotTerm;
    if (index == 0) return 0;
    return entry(index).term();
  }

  /**
   * Consecutive entries from {@code from}: at most {@code maxCount} and, beyond the first entry,
   * at most {@code maxBytes} in total ({@link LogEntry#sizeInBytes()}). Empty when {@code from >
   * lastIndex}.
   */
  public List<LogEntry> slice(long from, int maxCount, long maxBytes) {
    if (from > lastIndex) return Collections.emptyList();
    LogEntry first = entry(from);
    List<LogEntry> out = new ArrayList<>((int) Math.min(maxCount, lastIndex - from + 1));
    out.add(first);
    long bytes = first.sizeInBytes();
    for (long i = from + 1; i <= lastIndex && out.size() < maxCount; i++) {
      LogEntry e = entry(i);
      if (bytes + e.sizeInBytes() > maxBytes) break;
      bytes += e.sizeInBytes();
      out.add(e);
    }
    return out;
  }

  /**
   * The highest index {@code <= upTo} whose term is {@code term}, or -1 if the view holds no such
   * entry. Terms never decrease along the log, so this is a binary search.
   */
  public long lastIndexOfTerm(long term, long upTo) {
    long lo = firstIndex();
    long hi = Math.min(upTo, lastIndex);
    long found = -1;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long t = entry(mid).term();
      if (t <= term) {
        if (t == term) found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found == -1 && snapshotIndex > 0 && snapshotTerm == term && upTo >= snapshotIndex) {
      return snapshotIndex;
    }
    return found;
  }

  /**
   * The lowest index in {@code [firstIndex, lastIndex]} whose term is {@code term}, or -1. Binary
   * search, as terms never decrease along the log.
   */
  public long firstIndexOfTerm(long term) {
    long lo = firstIndex();
    long hi = lastIndex;
    long found = -1;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      long t = entry(mid).term();
      if (t >= term) {
        if (t == term) found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return "LogView(" + snapshotIndex + "@" + snapshotTerm + ", last=" + lastIndex + ")";
  }
}
