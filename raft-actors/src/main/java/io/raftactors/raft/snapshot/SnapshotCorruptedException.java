package io.raftactors.raft.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot file fails verification: the message names the file and what is wrong. */
public final class SnapshotCorruptedException extends IOException {
  public SnapshotCorruptedException(Path file, String what) {
    super("snapshot corrupted: " + file + ": " + what);
  }
}
