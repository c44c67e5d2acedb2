package io.raftactors.raft.journal.file;

import akka.actor.typed.Behavior;
import com.typesafe.config.Config;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.journal.JournalProvider;
import java.nio.file.Path;

/** {@code raft.journal.plugin = file}: a {@link FileJournal} in {@code <raft.data-dir>/journal}. */
public final class FileJournalProvider implements JournalProvider {
  @Override
  public Behavior<Journal.Command> create(String nodeId, Config config) {
    FileJournalSettings settings = FileJournalSettings.fromRoot(config);
    RaftSettings raft = RaftSettings.fromRoot(config);
    long largest = (long) raft.maxCommandBytes() + RecordCodec.OVERHEAD + Segments.HEADER;
    if (largest > settings.segmentSize()) {
      throw new IllegalArgumentException("invalid raft configuration: raft.journal.file.segment-size ("
          + settings.segmentSize() + ") must hold the largest command (raft.limits.max-command-bytes + "
          + (RecordCodec.OVERHEAD + Segments.HEADER) + " = " + largest + ")");
    }
    return FileJournal.create(Path.of(config.getString("raft.data-dir")).resolve("journal"), nodeId, settings);
  }
}
