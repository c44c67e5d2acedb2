package io.raftactors.raft.journal.file;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Settings of the file journal ({@code raft.journal.file} in reference.conf).
 *
 * @param segmentSize maximum size of one segment file
 * @param fsync false only for benchmarks: acknowledged writes can be lost on a machine crash
 * @param preallocate write segments full of zeros ahead of use, so fsyncs need not update file
 *     metadata (about a third cheaper on ext4)
 */
public record FileJournalSettings(long segmentSize, boolean fsync, boolean preallocate) {
  public FileJournalSettings {
    if (segmentSize < 64 * 1024 || segmentSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "invalid raft configuration: raft.journal.file.segment-size must be in [64 KiB, 2 GiB): " + segmentSize);
    }
  }

  /** Largest record payload a segment can hold. */
  int maxRecordPayload() {
    return (int) segmentSize - Segments.HEADER - RecordCodec.FRAME_HEADER;
  }

  /** Reads {@code raft.journal.file} from a full configuration. */
  public static FileJournalSettings fromRoot(Config root) {
    try {
      Config c = root.getConfig("raft.journal.file");
      return new FileJournalSettings(
          c.getBytes("segment-size"), c.getBoolean("fsync"), c.getBoolean("preallocate"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid raft configuration: " + e.getMessage(), e);
    }
  }
}
