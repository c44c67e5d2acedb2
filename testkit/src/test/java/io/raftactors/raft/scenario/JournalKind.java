package io.raftactors.raft.scenario;

import io.raftactors.testkit.RaftTestCluster;
import java.nio.file.Path;
import java.time.Duration;

/** The journals a scenario runs against (one suite, several backends). */
enum JournalKind {
  /** Memory journals that acknowledge in groups after a short delay and lose unsynced writes on a crash. */
  MEMORY,
  /** Real file journals in a temporary directory, fsync on: crash and restart go through the files. */
  FILE;

  RaftTestCluster.Builder apply(RaftTestCluster.Builder b, Path tempDir) {
    return this == FILE ? b.fileJournals(tempDir) : b.journalSyncDelay(Duration.ofMillis(1));
  }
}
