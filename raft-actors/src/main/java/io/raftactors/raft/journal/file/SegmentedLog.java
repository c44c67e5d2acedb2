package io.raftactors.raft.journal.file;

import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * The storage engine behind {@link FileJournal}: a directory of segment files
 * ({@code segment-<first index>.log}, fixed maximum size, preallocated) and a metadata file
 * ({@link MetaFile}). Not thread-safe: one owner (the journal actor) does all its I/O; only the
 * preallocation of the next segment runs on another thread, on a file of its own.
 *
 * <pre>
 *   data-dir/journal/
 *     lock                               held while open (one process per directory)
 *     meta                               node id, term, vote, log start, newest segment start
 *     segment-00000000000000000001.log   sealed: fsynced before the next one was started
 *     segment-00000000000000052311.log   newest: appended to, fsynced per group commit
 *     segment-next.tmp                   the next segment, preallocated in the background
 * </pre>
 *
 * Crash safety of the operations: appends are acknowledged after an fsync; a roll-over fsyncs the
 * sealed segment before writing to the new one; a suffix truncation first records the new newest
 * segment in the metadata, then deletes later segments, then zeroes the cut tail and fsyncs it
 * before anything is written over it; a prefix removal first records the new log start, then
 * deletes the oldest segments first. A crash in between leaves a state recovery accepts.
 */
final class SegmentedLog implements AutoCloseable {
  private final Path dir;
  private final FileJournalSettings settings;
  private final Executor background;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<Segment> segments = new ArrayList<>();
  private MetaFile meta;
  private Segment active;
  private ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1 << 20);
  private CompletableFuture<Void> preallocation;
  private boolean dirty;
  private final JournalStats stats;

  /** Opens (creating if needed) the journal in {@code dir} and reads what it holds. */
  static Opened open(Path dir, String nodeId, FileJournalSettings settings, Executor background,
      Logger log) throws IOException {
    return open(dir, nodeId, settings, background, log, new JournalStats());
  }

  /** As above, counting into {@code stats}. */
  static Opened open(Path dir, String nodeId, FileJournalSettings settings, Executor background,
      Logger log, JournalStats stats) throws IOException {
    Files.createDirectories(dir);
    SegmentedLog journal = new SegmentedLog(dir, settings, background, stats);
    try {
      Journal.Recovered recovered = journal.recover(nodeId, log);
      return new Opened(journal, recovered);
    } catch (IOException | RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  record Opened(SegmentedLog log, Journal.Recovered recovered) {}

  private SegmentedLog(Path dir, FileJournalSettings settings, Executor background, JournalStats stats)
      throws IOException {
    this.dir = dir;
    this.stats = stats;
    this.settings = settings;
    this.background = background;
    this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new IllegalStateException("journal directory " + dir + " is in use by another node");
    }
    this.lock = l;
  }

  // ---- recovery ---------------------------------------------------------------------------

  private Journal.Recovered recover(String nodeId, Logger log) throws IOException {
    Files.deleteIfExists(dir.resolve(Segments.NEXT));
    Files.deleteIfExists(dir.resolve("meta.tmp"));
    meta = MetaFile.read(dir);
    List<Long> starts = Segments.list(dir);
    if (meta == null) {
      if (!starts.isEmpty()) {
        throw new JournalCorruptedException(dir.resolve(MetaFile.NAME), -1,
            "metadata file missing while " + starts.size() + " segment files exist");
      }
      meta = new MetaFile(nodeId, 0, null, 1, 1);
      startSegment(1, false);
      meta.write(dir);
      return Journal.Recovered.empty();
    }
    if (!meta.nodeId().equals(nodeId)) {
      throw new IllegalStateException("journal directory " + dir + " belongs to node '" + meta.nodeId()
          + "', not '" + nodeId + "'");
    }
    starts = removeLeftovers(starts, log);
    if (starts.isEmpty()) {
      throw new JournalCorruptedException(dir, -1, "no segment files, but the metadata says the newest starts at "
          + meta.lastSegmentStart());
    }
    if (starts.get(0) > meta.logStart()) {
      throw new JournalCorruptedException(Segments.path(dir, meta.logStart()), -1, "missing segment: the log starts at "
          + meta.logStart() + " but the oldest segment starts at " + starts.get(0));
    }
    if (starts.get(starts.size() - 1) < meta.lastSegmentStart()) {
      throw new JournalCorruptedException(Segments.path(dir, meta.lastSegmentStart()), -1,
          "missing segment: the newest segment should start at " + meta.lastSegmentStart());
    }

    List<LogEntry> entries = new ArrayList<>();
    long term = 0;
    for (int i = 0; i < starts.size(); i++) {
      Segment s = new Segment(Segments.path(dir, starts.get(i)), starts.get(i));
      if (!segments.isEmpty()) {
        Segment prev = segments.get(segments.size() - 1);
        if (s.startIndex != prev.lastIndex() + 1) {
          throw new JournalCorruptedException(s.path, -1, "missing entries " + (prev.lastIndex() + 1)
              + ".." + (s.startIndex - 1) + " between " + prev.path.getFileName() + " and "
              + s.path.getFileName());
        }
      }
      boolean newest = i == starts.size() - 1;
      SegmentReader.Result r = SegmentReader.scan(s, newest, term, settings.maxRecordPayload(), entries);
      s.writePosition = r.endOfData();
      if (s.count() > 0) term = s.lastTerm();
      if (r.torn()) {
        log.warn("journal {}: cut a torn write at the tail of {} at offset {} ({}); it was never acknowledged",
            dir, s.path.getFileName(), r.tornAt(), r.tornReason());
        s.openForWriting();
        Segments.zero(s.channel, r.tornAt(), s.channel.size());
        if (r.tornAt() < Segments.HEADER) Segments.writeFully(s.channel, Segments.header(), 0);
        s.channel.force(true);
      }
      segments.add(s);
    }
    active = segments.get(segments.size() - 1);
    active.openForWriting();
    return new Journal.Recovered(meta.term(), meta.votedFor(), entries, segments.get(0).startIndex);
  }

  /**
   * Deletes segment files an interrupted operation left behind, all of which hold nothing the
   * journal still promises: a segment started after the newest one the metadata names (a roll-over
   * or reset that crashed before recording it; it holds no record) and segments wholly before the
   * log start (a prefix removal or reset that crashed before deleting them).
   */
  private List<Long> removeLeftovers(List<Long> starts, Logger log) throws IOException {
    List<Long> kept = new ArrayList<>();
    int firstKept = 0;
    for (int i = 0; i < starts.size(); i++) {
      if (i + 1 < starts.size() && starts.get(i + 1) <= meta.logStart()) firstKept = i + 1;
    }
    boolean removed = false;
    for (int i = 0; i < starts.size(); i++) {
      long start = starts.get(i);
      if (i < firstKept || start > meta.lastSegmentStart()) {
        log.warn("journal {}: removing {}, left over by an interrupted {}", dir,
            Segments.path(dir, start).getFileName(), i < firstKept ? "compaction" : "roll-over or reset");
        Files.delete(Segments.path(dir, start));
        removed = true;
      } else {
        kept.add(start);
      }
    }
    if (removed) io.raftactors.raft.io.Durable.fsyncDirectory(dir);
    return kept;
  }

  // ---- writes -----------------------------------------------------------------------------

  long firstIndex() {
    return segments.get(0).startIndex;
  }

  long lastIndex() {
    return active.lastIndex();
  }

  /** Writes entries after the last one (page cache only until {@link #sync()}). */
  void append(List<LogEntry> entries) throws IOException {
    if (entries.isEmpty()) return;
    writeBuffer.clear();
    long expected = lastIndex() + 1;
    long lastTerm = lastTermHeld();
    for (LogEntry e : entries) {
      if (e.index() != expected++) {
        throw new IllegalStateException("non-consecutive append: expected index " + (expected - 1)
            + " but got " + e.index());
      }
      if (e.term() < lastTerm) {
        throw new IllegalStateException("term goes backwards at index " + e.index());
      }
      lastTerm = e.term();
      int size = RecordCodec.size(e);
      if (active.writePosition + writeBuffer.position() + size > settings.segmentSize()) {
        flushBuffer();
        roll();
      }
      if (writeBuffer.remaining() < size) {
        flushBuffer();
        if (writeBuffer.capacity() < size) writeBuffer = ByteBuffer.allocateDirect(size);
      }
      active.added(e, active.writePosition + writeBuffer.position());
      RecordCodec.encode(e, writeBuffer);
    }
    flushBuffer();
    stats.entriesWritten(entries.size());
    dirty = true;
    maybePreallocate();
  }

  private long lastTermHeld() {
    for (int i = segments.size() - 1; i >= 0; i--) {
      if (segments.get(i).count() > 0) return segments.get(i).lastTerm();
    }
    return 0;
  }

  private void flushBuffer() throws IOException {
    writeBuffer.flip();
    int n = Segments.writeFully(active.channel, writeBuffer, active.writePosition);
    active.writePosition += n;
    stats.bytesWritten(n);
    writeBuffer.clear();
  }

  /** Seals the active segment (fsynced) and continues in a new one. */
  private void roll() throws IOException {
    if (settings.fsync()) active.channel.force(false);
    active.close();
    long start = active.lastIndex() + 1;
    startSegment(start, true);
    meta = meta.withLastSegmentStart(start);
    meta.write(dir);
  }

  private void startSegment(long start, boolean usePreallocated) throws IOException {
    Path path = Segments.path(dir, start);
    Path next = dir.resolve(Segments.NEXT);
    long size = settings.preallocate() ? settings.segmentSize() : Segments.HEADER;
    boolean prepared = false;
    if (usePreallocated && preallocation != null && preallocation.isDone()) {
      try {
        preallocation.join();
        Files.move(next, path, StandardCopyOption.ATOMIC_MOVE);
        prepared = true;
      } catch (java.util.concurrent.CompletionException e) {
        Files.deleteIfExists(next);
      }
      preallocation = null;
    }
    // Never wait for a preallocation still running (writes faster than zeros can be laid down):
    // this segment grows as it is written instead, and the prepared one serves the next roll.
    if (!prepared) Segments.allocate(path, preallocation == null ? size : Segments.HEADER);
    io.raftactors.raft.io.Durable.fsyncDirectory(dir);
    Segment s = new Segment(path, start);
    s.openForWriting();
    segments.add(s);
    active = s;
  }

  private void maybePreallocate() {
    if (!settings.preallocate() || preallocation != null) return;
    if (active.writePosition < settings.segmentSize() / 4) return;
    Path next = dir.resolve(Segments.NEXT);
    long size = settings.segmentSize();
    preallocation = CompletableFuture.runAsync(() -> {
      try {
        Files.deleteIfExists(next);
        Segments.allocate(next, size);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, background);
  }

  /** Makes everything written so far durable (one fsync for all of it: group commit). */
  void sync() throws IOException {
    if (!dirty) return;
    long start = System.nanoTime();
    if (settings.fsync()) active.channel.force(false);
    dirty = false;
    stats.synced(System.nanoTime() - start);
  }

  /**
   * Removes every entry from {@code index} on, durably before returning (so that later appends
   * never land on top of stale records a crash could bring back).
   */
  void truncateFrom(long index) throws IOException {
    if (index > lastIndex()) return;
    if (index < firstIndex()) {
      throw new IllegalStateException("cannot truncate from " + index + ": the journal starts at " + firstIndex());
    }
    int target = segments.size() - 1;
    while (segments.get(target).startIndex > index) target--;
    Segment keep = segments.get(target);
    if (target < segments.size() - 1) {
      meta = meta.withLastSegmentStart(keep.startIndex);
      meta.write(dir);
      for (int i = segments.size() - 1; i > target; i--) {
        Segment gone = segments.remove(i);
        gone.close();
        Files.deleteIfExists(gone.path);
      }
      io.raftactors.raft.io.Durable.fsyncDirectory(dir);
      active = keep;
      active.openForWriting();
    }
    long lastTermBefore = index > keep.startIndex ? termAt(keep, index - 1) : lastTermBefore(target);
    long from = keep.offsetOf(index);
    long to = keep.writePosition;
    keep.cutAt(index, lastTermBefore);
    Segments.zero(keep.channel, from, to);
    keep.channel.force(false);
    dirty = false;
  }

  private long termAt(Segment s, long index) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16);
    long at = s.offsetOf(index) + RecordCodec.FRAME_HEADER;
    while (b.hasRemaining()) {
      if (s.channel.read(b, at + b.position()) < 0) throw new IOException("short read in " + s.path);
    }
    return b.getLong(8);
  }

  private long lastTermBefore(int segment) {
    for (int i = segment - 1; i >= 0; i--) {
      if (segments.get(i).count() > 0) return segments.get(i).lastTerm();
    }
    return 0;
  }

  /**
   * Deletes the sealed segments holding only entries {@code <= upTo} (log compaction after a
   * snapshot); the newest segment always stays. Returns the new first index.
   */
  long removePrefix(long upTo) throws IOException {
    int removable = 0;
    while (removable < segments.size() - 1 && segments.get(removable).lastIndex() <= upTo) removable++;
    if (removable == 0) return firstIndex();
    long newStart = segments.get(removable).startIndex;
    meta = meta.withLogStart(newStart);
    meta.write(dir);
    for (int i = 0; i < removable; i++) {
      Segment gone = segments.remove(0);
      gone.close();
      Files.deleteIfExists(gone.path);
    }
    io.raftactors.raft.io.Durable.fsyncDirectory(dir);
    return newStart;
  }

  /**
   * Removes every entry; the next append has index {@code index + 1} (a snapshot up to {@code
   * index} was installed). Durable before returning, and every crash point recoverable: entries
   * from {@code index + 1} are truncated first, then an empty segment starting at {@code index + 1}
   * is created (one that {@link #removeLeftovers} deletes if the metadata never names it), then the
   * metadata names it as both the log start and the newest segment, then the older segments go
   * (which {@link #removeLeftovers} also finishes after a crash).
   */
  void resetTo(long index) throws IOException {
    if (index + 1 < firstIndex()) {
      throw new IllegalStateException("cannot reset to " + index + ": the journal starts at " + firstIndex());
    }
    truncateFrom(index + 1);
    if (!(active.startIndex == index + 1 && active.count() == 0)) {
      active.close();
      startSegment(index + 1, false);
    }
    meta = meta.withLogStart(index + 1).withLastSegmentStart(index + 1);
    meta.write(dir);
    while (segments.size() > 1) {
      Segment gone = segments.remove(0);
      gone.close();
      Files.deleteIfExists(gone.path);
    }
    io.raftactors.raft.io.Durable.fsyncDirectory(dir);
    dirty = false;
  }

  /** Replaces the stored term and vote, durably before returning. */
  void saveTermVote(long term, String votedFor) throws IOException {
    meta = meta.withTermVote(term, votedFor);
    meta.write(dir);
  }

  @Override
  public void close() {
    for (Segment s : segments) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    if (preallocation != null) preallocation.cancel(false);
    try {
      if (lock != null) lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // released with the channel
    }
  }
}
