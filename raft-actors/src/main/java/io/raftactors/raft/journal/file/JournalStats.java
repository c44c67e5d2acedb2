package io.raftactors.raft.journal.file;

import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.MetricRegistry;

/**
 * What the file journal did: entries and bytes written, fsyncs, how long each fsync took and how
 * many entries it made durable (group commit). Kept in the node's {@link MetricRegistry}, where
 * {@code INFO raftstats} reads it; {@link #snapshot()} copies it for others.
 * Written by the journal actor only.
 */
public final class JournalStats {
  private final Counter entries;
  private final Counter bytes;
  private final Counter fsyncs;
  private final Histogram fsyncSeconds;
  private final Histogram entriesPerFsync;
  private long entriesSinceSync;

  /** Counters of their own, in no registry (tools and tests). */
  public JournalStats() {
    this(new MetricRegistry());
  }

  public JournalStats(MetricRegistry registry) {
    entries = registry.counter("raft_journal_entries_total", "Log entries written to the journal.");
    bytes = registry.counter("raft_journal_bytes_total", "Bytes written to the journal's segments.");
    fsyncs = registry.counter("raft_journal_fsyncs_total", "fsyncs (or syncs, with fsync off) of the journal.");
    fsyncSeconds = registry.histogram("raft_journal_fsync_seconds", "Time one journal fsync took.",
        Histogram.exponential(25_000, 2, 16), 1e-9);
    entriesPerFsync = registry.histogram("raft_journal_entries_per_fsync",
        "Log entries one fsync made durable (group commit); fsyncs of term/vote records only are not counted.",
        Histogram.powersOfTwo(16), 1);
  }

  void entriesWritten(int n) {
    entries.add(n);
    entriesSinceSync += n;
  }

  void bytesWritten(long n) {
    bytes.add(n);
  }

  void synced(long nanos) {
    fsyncs.increment();
    fsyncSeconds.observe(nanos);
    if (entriesSinceSync > 0) entriesPerFsync.observe(entriesSinceSync);
    entriesSinceSync = 0;
  }

  /** A copy for other threads. */
  public Snapshot snapshot() {
    return new Snapshot(entries.get(), bytes.get(), fsyncs.get(), entriesPerFsync.snapshot(),
        fsyncSeconds.snapshot());
  }

  /**
   * @param entriesPerFsync over bounds 1, 2, 4, ..., 2^15
   * @param fsyncNanos the time of each fsync, in nanoseconds
   */
  public record Snapshot(long entries, long bytes, long fsyncs, Histogram.Snapshot entriesPerFsync,
      Histogram.Snapshot fsyncNanos) {
    public double averageEntriesPerFsync() {
      return fsyncs == 0 ? 0 : (double) entries / fsyncs;
    }
  }
}
