package io.raftactors.raft.log;

import io.raftactors.raft.RaftSerializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log. Immutable: the {@code data} array is never modified after the
 * entry is created.
 *
 * @param timestamp the leader's wall-clock millis when it appended the entry
 */
public record LogEntry(long index, long term, long timestamp, EntryKind kind, byte[] data)
    implements RaftSerializable {

  private static final byte[] EMPTY = new byte[0];

  /** Bytes an entry adds to a batch beyond its data: index, term, timestamp, kind and framing. */
  public static final int OVERHEAD_BYTES = 40;

  public LogEntry {
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
    Objects.requireNonNull(kind, "kind");
    if (data == null) data = EMPTY;
  }

  public static LogEntry noop(long index, long term, long timestamp) {
    return new LogEntry(index, term, timestamp, EntryKind.NOOP, EMPTY);
  }

  public static LogEntry command(long index, long term, long timestamp, byte[] data) {
    return new LogEntry(index, term, timestamp, EntryKind.COMMAND, data);
  }

  /** Estimated size on the wire and in memory accounting. */
  public int sizeInBytes() {
    return data.length + OVERHEAD_BYTES;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.index == index
        && e.term == term
        && e.timestamp == timestamp
        && e.kind == kind
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, timestamp, kind) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogEntry[" + index + "@" + term + " " + kind + " " + data.length + "B]";
  }
}
