package io.raftactors.raft.journal.file;

import io.raftactors.raft.log.LogEntry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One segment file: entries {@code [startIndex, startIndex + count)} laid out from offset {@link
 * Segments#HEADER}, followed by zeros (preallocated) or the end of the file. Keeps the file offset
 * of every record so the log can be cut at any entry. Only the active (newest) segment has an
 * open channel.
 */
final class Segment {
  final Path path;
  final long startIndex;
  private int[] offsets = new int[1024];
  private int count;
  private long lastTerm;
  /** End of the data: where the next record goes. */
  long writePosition = Segments.HEADER;
  FileChannel channel;

  Segment(Path path, long startIndex) {
    this.path = path;
    this.startIndex = startIndex;
  }

  long lastIndex() {
    return startIndex + count - 1;
  }

  int count() {
    return count;
  }

  long lastTerm() {
    return lastTerm;
  }

  boolean contains(long index) {
    return index >= startIndex && index <= lastIndex();
  }

  /** Records that the entry at {@code offset} is the next one of this segment. */
  void added(LogEntry e, long offset) {
    if (count == offsets.length) offsets = Arrays.copyOf(offsets, count * 2);
    offsets[count++] = (int) offset;
    lastTerm = e.term();
  }

  long offsetOf(long index) {
    return offsets[(int) (index - startIndex)];
  }

  /** Forgets entries from {@code index} on (the caller zeroes the file); {@code lastTermBefore} is the term before it. */
  void cutAt(long index, long lastTermBefore) {
    writePosition = offsetOf(index);
    count = (int) (index - startIndex);
    lastTerm = lastTermBefore;
  }

  void openForWriting() throws IOException {
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
