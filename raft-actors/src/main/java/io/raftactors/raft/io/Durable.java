package io.raftactors.raft.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making file-system changes durable. */
public final class Durable {
  private Durable() {}

  /** Fsyncs a directory, so that files created, renamed or deleted in it survive a crash. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
