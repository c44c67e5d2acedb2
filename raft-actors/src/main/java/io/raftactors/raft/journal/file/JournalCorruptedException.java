package io.raftactors.raft.journal.file;

import java.nio.file.Path;

/**
 * The journal's files hold something a crash cannot explain (a bad checksum with valid records
 * after it, a missing segment, an unreadable metadata file). The node refuses to start rather
 * than silently drop entries it may have acknowledged; the message names the file and offset.
 */
public final class JournalCorruptedException extends RuntimeException {
  public JournalCorruptedException(Path file, long offset, String what) {
    super("journal corrupted: " + file + (offset >= 0 ? " at offset " + offset : "") + ": " + what);
  }

  public JournalCorruptedException(String what) {
    super("journal corrupted: " + what);
  }
}
