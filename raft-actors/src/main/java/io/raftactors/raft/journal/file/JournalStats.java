package io.raftactors.raft.journal.file;

/**
 * What the file journal did: entries and bytes written, fsyncs, and how many entries each fsync
 * made durable (group commit), as a histogram over powers of two. Owned by the journal actor;
 * {@link #snapshot()} copies it for others.
 */
public final class JournalStats {
  /** Buckets: 1, 2-3, 4-7, ..., 2^15 and more. */
  public static final int BUCKETS = 17;

  private long entries;
  private long bytes;
  private long fsyncs;
  private long entriesSinceSync;
  private final long[] entriesPerFsync = new long[BUCKETS];

  void entriesWritten(int n) {
    entries += n;
    entriesSinceSync += n;
  }

  void bytesWritten(long n) {
    bytes += n;
  }

  void synced() {
    fsyncs++;
    if (entriesSinceSync > 0) {
      int bucket = Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(entriesSinceSync));
      entriesPerFsync[bucket]++;
    }
    entriesSinceSync = 0;
  }

  /** A copy for other threads. */
  public Snapshot snapshot() {
    return new Snapshot(entries, bytes, fsyncs, entriesPerFsync.clone());
  }

  /**
   * @param entriesPerFsync {@code [k]} = fsyncs that covered {@code [2^k, 2^(k+1))} entries
   */
  public record Snapshot(long entries, long bytes, long fsyncs, long[] entriesPerFsync) {
    public double averageEntriesPerFsync() {
      return fsyncs == 0 ? 0 : (double) entries / fsyncs;
    }
  }
}
