package io.raftactors.raft.node;

import io.raftactors.raft.Membership;
import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configurations a node's log holds (dissertation 4.1): the one in force is the latest in the
 * log, committed or not, so truncating a CONFIG entry brings back the one before it. Below the
 * log's entries lies a base: the configuration of the snapshot the log continues, or the initial
 * one ({@code raft.members}) when nothing was ever compacted.
 */
final class Configurations {
  private Membership base;
  private long baseIndex;
  private final TreeMap<Long, Membership> inLog = new TreeMap<>();

  Configurations(Membership initial) {
    this.base = initial;
  }

  /** The configuration in force: the latest in the log. */
  Membership current() {
    return inLog.isEmpty() ? base : inLog.lastEntry().getValue();
  }

  /** Index of the entry that holds the current configuration (0: the initial one). */
  long currentIndex() {
    return inLog.isEmpty() ? baseIndex : inLog.lastKey();
  }

  /** The latest configuration at or below {@code index}. */
  Membership at(long index) {
    Map.Entry<Long, Membership> e = inLog.floorEntry(index);
    return e == null ? base : e.getValue();
  }

  /** Notes the CONFIG entries among {@code entries}, just appended; true if there were any. */
  boolean appended(List<LogEntry> entries) {
    boolean changed = false;
    for (LogEntry e : entries) {
      if (e.kind() == EntryKind.CONFIG) {
        inLog.put(e.index(), Membership.decode(e.data()));
        changed = true;
      }
    }
    return changed;
  }

  /** Entries from {@code index} on were removed; true if a configuration went with them. */
  boolean truncatedFrom(long index) {
    var tail = inLog.tailMap(index, true);
    if (tail.isEmpty()) return false;
    tail.clear();
    return true;
  }

  /** The log now starts after {@code index}: the configuration at it becomes the base. */
  void compactedTo(long index) {
    Map.Entry<Long, Membership> e = inLog.floorEntry(index);
    if (e == null) return;
    base = e.getValue();
    baseIndex = e.getKey();
    inLog.headMap(index, true).clear();
  }

  /**
   * The log was replaced by a snapshot whose configuration is {@code m}, from the CONFIG entry at
   * {@code index} (null: a snapshot from before configurations were kept in them; the base stays).
   */
  void resetTo(long index, Membership m) {
    inLog.clear();
    if (m != null) {
      base = m;
      baseIndex = index;
    }
  }
}
