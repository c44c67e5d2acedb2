package io.raftactors.raft.node;

import io.raftactors.raft.snapshot.SnapshotCorruptedException;
import io.raftactors.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the snapshot a restarting node starts from (blocking file I/O: run it on the blocking-I/O
 * dispatcher): the newest one that verifies, which the journal must continue, i.e. hold every entry
 * after it ({@code snapshot index >= journal's first index - 1}). A damaged newest snapshot falls
 * back to an older one when the journal still covers the gap; when no valid snapshot does, the node
 * must not start (it would silently lose committed state).
 */
final class SnapshotRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRecovery.class);

  private SnapshotRecovery() {}

  /**
   * The store and the snapshot to restore (null: start from an empty state and the whole log);
   * {@code damaged}: the newer snapshots that failed verification.
   */
  record Choice(SnapshotStore store, SnapshotStore.Meta meta, SnapshotConfig config, List<String> damaged) {}

  /** Thrown when no valid snapshot and the journal together hold the node's state. */
  static final class UnrecoverableException extends IOException {
    UnrecoverableException(String message) {
      super(message);
    }
  }

  /**
   * The newest snapshot in {@code dir} that verifies. It needs nothing from the journal, so a
   * restart reads and restores it while the journal recovers; {@link #checkContinues} then
   * tells whether the journal continues it (an older valid snapshot never helps when the newest
   * does not: the journal would miss even more entries after it).
   */
  static Choice newestValid(Path dir) throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    List<String> damaged = new ArrayList<>();
    for (SnapshotStore.Meta m : store.list()) {
      try {
        store.verify(m);
      } catch (SnapshotCorruptedException e) {
        LOG.error("snapshot {} is damaged: {}", m.path(), e.getMessage());
        damaged.add(e.getMessage());
        continue;
      }
      if (!damaged.isEmpty()) LOG.warn("snapshot {} is the newest that verifies", m.path());
      return new Choice(store, m, SnapshotConfig.decode(store.readConfiguration(m)), List.copyOf(damaged));
    }
    if (!damaged.isEmpty()) LOG.warn("no valid snapshot in {}", dir);
    return new Choice(store, null, null, List.copyOf(damaged));
  }

  /**
   * Throws unless the journal, starting at {@code journalFirstIndex}, holds every entry after the
   * chosen snapshot ({@code snapshot index >= journal's first index - 1}; without a snapshot, the
   * whole log from index 1).
   */
  static void checkContinues(Choice choice, long journalFirstIndex) throws UnrecoverableException {
    SnapshotStore.Meta m = choice.meta();
    List<String> damaged = choice.damaged();
    if (m != null && m.index() < journalFirstIndex - 1) {
      throw new UnrecoverableException("cannot start: the journal starts at index " + journalFirstIndex
          + " but the newest valid snapshot, " + m.path() + ", ends at index " + m.index()
          + (damaged.isEmpty() ? "" : "; newer snapshots are damaged: " + damaged)
          + ". Restore the data directory from a backup");
    }
    if (m == null && journalFirstIndex > 1) {
      throw new UnrecoverableException("cannot start: the journal starts at index " + journalFirstIndex
          + " but there is no valid snapshot in " + choice.store().directory()
          + (damaged.isEmpty() ? "" : " (damaged: " + damaged + ")")
          + ". Restore the data directory from a backup");
    }
  }
}
