package io.raftactors.raft.journal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class SegmentedLogTest {
  static final Logger LOG = LoggerFactory.getLogger(SegmentedLogTest.class);
  static final Executor DIRECT = Runnable::run;
  static final FileJournalSettings SMALL = new FileJournalSettings(64 * 1024, true, true);

  @TempDir Path dir;

  static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(entry(i, term));
    return out;
  }

  /** Data derived from the index, so content can be checked after recovery. */
  static LogEntry entry(long index, long term) {
    return LogEntry.command(index, term, 1000 + index, ("entry-" + index + "-" + term).getBytes());
  }

  SegmentedLog.Opened open(FileJournalSettings s) throws IOException {
    return SegmentedLog.open(dir, "n1", s, DIRECT, LOG);
  }

  Journal.Recovered reopen(FileJournalSettings s) throws IOException {
    SegmentedLog.Opened o = open(s);
    o.log().close();
    return o.recovered();
  }

  List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }

  @Test
  void roundTripsTermVoteAndEntriesAcrossManySegments() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.saveTermVote(7, "n2");
    for (int batch = 0; batch < 50; batch++) {
      log.append(entries(batch * 100L + 1, batch * 100L + 100, 1 + batch / 10));
      log.sync();
    }
    log.close();
    assertTrue(segmentFiles().size() >= 3, "rolled over: " + segmentFiles());

    Journal.Recovered r = reopen(SMALL);
    assertEquals(7, r.term());
    assertEquals("n2", r.votedFor());
    assertEquals(5000, r.entries().size());
    for (int i = 0; i < 5000; i++) assertEquals(entry(i + 1, 1 + i / 1000), r.entries().get(i));
  }

  @Test
  void worksWithoutPreallocationAndWithoutFsync() throws IOException {
    FileJournalSettings plain = new FileJournalSettings(64 * 1024, false, false);
    SegmentedLog log = open(plain).log();
    log.append(entries(1, 3000, 1));
    log.sync();
    log.close();
    assertEquals(3000, reopen(plain).entries().size());
  }

  @Test
  void truncatesWithinASegmentAndAcrossSegmentBoundaries() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 3000, 1));
    log.sync();
    int before = segmentFiles().size();
    log.truncateFrom(2990); // inside the newest segment
    log.append(entries(2990, 3000, 2));
    log.truncateFrom(500); // several segments back
    assertTrue(segmentFiles().size() < before);
    log.append(entries(500, 1500, 3));
    log.sync();
    log.close();

    List<LogEntry> r = reopen(SMALL).entries();
    assertEquals(1500, r.size());
    assertEquals(entry(499, 1), r.get(498));
    assertEquals(entry(500, 3), r.get(499));
    assertEquals(entry(1500, 3), r.get(1499));
  }

  @Test
  void truncatingToTheStartOfASegmentKeepsTheLogConsecutive() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 3000, 1));
    long secondStart = Long.parseLong(segmentFiles().get(1).getFileName().toString().replaceAll("\\D", ""));
    log.truncateFrom(secondStart);
    log.append(entries(secondStart, secondStart + 10, 4));
    log.sync();
    log.close();
    List<LogEntry> r = reopen(SMALL).entries();
    assertEquals(secondStart + 10, r.size());
    assertEquals(4, r.get(r.size() - 1).term());
  }

  @Test
  void removesWholeSealedSegmentsOnly() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 3000, 1));
    log.sync();
    long first = log.removePrefix(1600); // the first segment holds about 1,480 entries
    assertTrue(first > 1 && first <= 1601, "first index now " + first);
    assertEquals(first, log.removePrefix(first - 1), "nothing more to remove");
    log.close();
    List<LogEntry> r = reopen(SMALL).entries();
    assertEquals(first, r.get(0).index());
    assertEquals(3000, r.get(r.size() - 1).index());
  }

  @Test
  void resetRemovesEveryEntryAndTheNextAppendContinuesTheSnapshot() throws IOException {
    for (long snapshot : new long[] {150, 5000, 7}) {
      for (Path p : segmentFiles()) Files.delete(p);
      Files.deleteIfExists(dir.resolve(MetaFile.NAME));
      SegmentedLog log = open(SMALL).log();
      log.saveTermVote(3, "n1");
      log.append(entries(1, 2000, 2));
      log.sync();
      log.resetTo(snapshot);
      assertEquals(snapshot + 1, log.firstIndex());
      assertEquals(snapshot, log.lastIndex());
      log.append(entries(snapshot + 1, snapshot + 10, 3));
      log.sync();
      log.close();
      assertEquals(1, segmentFiles().size(), "only the new segment is left: " + segmentFiles());
      Journal.Recovered r = reopen(SMALL);
      assertEquals(snapshot + 1, r.firstIndex());
      assertEquals(entries(snapshot + 1, snapshot + 10, 3), r.entries());
      assertEquals(3, r.term());
    }
  }

  @Test
  void aResetOrRollOverInterruptedByACrashLeavesARecoverableJournal() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 3000, 1));
    log.sync();
    log.close();
    List<Path> before = segmentFiles();
    // A reset that crashed after creating its segment but before recording it in the metadata.
    Files.copy(before.get(0), dir.resolve(Segments.path(dir, 9001).getFileName()));
    Journal.Recovered r = reopen(SMALL);
    assertEquals(1, r.firstIndex());
    assertEquals(3000, r.entries().size());
    assertEquals(before, segmentFiles(), "the unrecorded segment was removed");

    // A reset that crashed after recording the new start but before deleting the old segments.
    Path backup = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-backup"));
    for (Path p : before) Files.copy(p, backup.resolve(p.getFileName()));
    log = open(SMALL).log();
    log.resetTo(4000);
    log.close();
    for (Path p : before) Files.copy(backup.resolve(p.getFileName()), p);
    r = reopen(SMALL);
    assertEquals(4001, r.firstIndex());
    assertTrue(r.entries().isEmpty());
    assertEquals(List.of(Segments.path(dir, 4001)), segmentFiles(), "the old segments were removed");
  }

  @Test
  void aTornWriteAtTheTailIsCutOff() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 10, 1));
    log.sync();
    log.close();
    Path newest = segmentFiles().get(segmentFiles().size() - 1);
    // A crash in the middle of writing record 11: its first half reached the disk.
    byte[] half = new byte[30];
    java.util.Arrays.fill(half, (byte) 0x5A);
    half[0] = 0;
    half[1] = 0;
    half[2] = 0;
    half[3] = 60; // a plausible length whose payload is cut short
    long end = endOfData(newest);
    try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
      f.seek(end);
      f.write(half);
    }
    List<LogEntry> r = reopen(SMALL).entries();
    assertEquals(entries(1, 10, 1), r);
    // and the tail was cleaned: appending and recovering again works
    SegmentedLog again = open(SMALL).log();
    again.append(entries(11, 12, 1));
    again.sync();
    again.close();
    assertEquals(12, reopen(SMALL).entries().size());
  }

  @Test
  void aFileCutShortMidRecordIsATornTail() throws IOException {
    FileJournalSettings growing = new FileJournalSettings(64 * 1024, true, false);
    SegmentedLog log = open(growing).log();
    log.append(entries(1, 10, 1));
    log.sync();
    log.close();
    Path newest = segmentFiles().get(0);
    try (RandomAccessFile f = new RandomAccessFile(newest.toFile(), "rw")) {
      f.setLength(f.length() - 5);
    }
    assertEquals(entries(1, 9, 1), reopen(growing).entries());
  }

  @Test
  void aFlippedBitInTheMiddleIsCorruptionNamingFileAndOffset() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 100, 1));
    log.sync();
    log.close();
    Path file = segmentFiles().get(0);
    long offset = 16 + 50L * RecordCodec.size(entry(50, 1)) - 3; // inside record ~50
    flipBit(file, offset);
    JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("offset"), e.getMessage());
    assertTrue(e.getMessage().contains("valid records follow"), e.getMessage());
  }

  @Test
  void aBadRecordInASealedSegmentIsCorruption() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 3000, 1));
    log.sync();
    log.close();
    Path sealed = segmentFiles().get(0);
    flipBit(sealed, endOfData(sealed) - 2); // the last record of a sealed segment
    JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains(sealed.getFileName().toString()), e.getMessage());
  }

  @Test
  void aTruncatedMetadataFileIsCorruption() throws IOException {
    open(SMALL).log().close();
    Path meta = dir.resolve("meta");
    try (RandomAccessFile f = new RandomAccessFile(meta.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains("meta") && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aMissingSegmentIsCorruptionWhereverItIs() throws IOException {
    SegmentedLog log = open(SMALL).log();
    log.append(entries(1, 5000, 1));
    log.sync();
    log.close();
    List<Path> files = segmentFiles();
    assertTrue(files.size() >= 4);

    Path middle = files.get(2);
    Path saved = dir.resolve("saved");
    Files.move(middle, saved);
    JournalCorruptedException e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains("missing entries"), e.getMessage());
    Files.move(saved, middle);

    Path newest = files.get(files.size() - 1);
    Files.move(newest, saved);
    e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains("newest segment"), e.getMessage());
    Files.move(saved, newest);

    Path oldest = files.get(0);
    Files.move(oldest, saved);
    e = assertThrows(JournalCorruptedException.class, () -> open(SMALL));
    assertTrue(e.getMessage().contains("log starts at 1"), e.getMessage());
    Files.move(saved, oldest);

    assertEquals(5000, reopen(SMALL).entries().size());
  }

  @Test
  void aDirectoryBelongsToOneNodeAndOneProcess() throws IOException {
    SegmentedLog log = open(SMALL).log();
    IllegalStateException busy = assertThrows(IllegalStateException.class, () -> open(SMALL));
    assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
    log.close();
    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> SegmentedLog.open(dir, "n2", SMALL, DIRECT, LOG));
    assertTrue(other.getMessage().contains("belongs to node 'n1'"), other.getMessage());
  }

  @Test
  void aFreshDirectoryStartsEmpty() throws IOException {
    Journal.Recovered r = reopen(SMALL);
    assertEquals(0, r.term());
    assertNull(r.votedFor());
    assertTrue(r.entries().isEmpty());
  }

  @Test
  void recoversAMillionSmallEntries() throws IOException {
    FileJournalSettings big = new FileJournalSettings(64L * 1024 * 1024, true, true);
    SegmentedLog log = open(big).log();
    List<LogEntry> batch = new ArrayList<>(10_000);
    for (long i = 1; i <= 1_000_000; i++) {
      batch.add(LogEntry.command(i, 1 + i / 250_000, i, new byte[] {(byte) i, (byte) (i >> 8)}));
      if (batch.size() == 10_000) {
        log.append(batch);
        log.sync();
        batch.clear();
      }
    }
    log.close();
    long start = System.nanoTime();
    Journal.Recovered r = reopen(big);
    long ms = (System.nanoTime() - start) / 1_000_000;
    LOG.info("recovered 1,000,000 entries in {} ms", ms);
    assertEquals(1_000_000, r.entries().size());
    LogEntry e = r.entries().get(777_776);
    assertEquals(777_777, e.index());
    assertEquals((byte) 777_777, e.data()[0]);
  }

  private static long endOfData(Path segment) throws IOException {
    List<LogEntry> sink = new ArrayList<>();
    Segment s = new Segment(segment, Long.parseLong(segment.getFileName().toString().replaceAll("\\D", "")));
    return SegmentReader.scan(s, true, 0, 1 << 20, sink).endOfData();
  }

  private static void flipBit(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0x10);
    }
  }
}
