package io.raftactors.raft.node;

import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.MetricRegistry;

/** Snapshots a node took and restored: how many, how long, how large. Recorded by its applier. */
final class SnapshotMetrics {
  private final Counter taken;
  private final Histogram takeSeconds;
  private final Histogram bytes;
  private final Histogram restoreSeconds;

  SnapshotMetrics(MetricRegistry r) {
    taken = r.counter("raft_snapshots_total", "Snapshots this node took and saved.");
    // 1 ms .. about 9 minutes
    takeSeconds = r.histogram("raft_snapshot_duration_seconds",
        "Time taking one snapshot took, from its start until it was saved.",
        Histogram.exponential(1_000_000, 2, 20), 1e-9);
    // 1 KiB .. 32 GiB
    bytes = r.histogram("raft_snapshot_bytes", "Size of the snapshots this node took.",
        Histogram.exponential(1024, 2, 26), 1);
    restoreSeconds = r.histogram("raft_snapshot_restore_duration_seconds",
        "Time restoring one snapshot into the state machine took (at start, or installing one from the leader).",
        Histogram.exponential(1_000_000, 2, 20), 1e-9);
  }

  void taken(long nanos, long size) {
    taken.increment();
    takeSeconds.observe(nanos);
    bytes.observe(size);
  }

  void restored(long nanos) {
    restoreSeconds.observe(nanos);
  }
}
