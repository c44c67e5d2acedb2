package io.raftactors.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {

  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(LogEntry.command(i, term, 0, new byte[] {(byte) i}));
    return out;
  }

  @Test
  void appendsAcrossChunksAndReadsBack() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 5000, 1));
    assertEquals(5000, log.lastIndex());
    assertEquals((byte) 4097, log.entry(4097).data()[0]);
    assertEquals(1, log.term(5000));
    assertEquals(0, log.term(0));
  }

  @Test
  void aViewNeverChangesWhenTheLogIsTruncatedAndRewritten() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 3000, 1));
    LogView before = log.view();
    // Cut inside a chunk and in a chunk boundary, then write other entries at the same indexes.
    log.truncateFrom(1500);
    log.append(entries(1500, 3000, 2));
    log.truncateFrom(2049);
    log.append(entries(2049, 4000, 3));
    for (long i = 1; i <= 3000; i++) assertEquals(1, before.term(i), "view changed at " + i);
    assertEquals(3000, before.lastIndex());
    assertEquals(2, log.term(1500));
    assertEquals(3, log.term(2049));
    assertEquals(4000, log.lastIndex());
  }

  @Test
  void rejectsGapsAndTermsGoingBackwards() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> log.append(entries(4, 4, 2)));
    assertThrows(IllegalArgumentException.class, () -> log.append(entries(3, 3, 1)));
  }

  @Test
  void bytesBetweenCountsEntrySizes() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 10, 1));
    int size = LogEntry.OVERHEAD_BYTES + 1;
    assertEquals(10L * size, log.bytesBetween(0, 10));
    assertEquals(3L * size, log.bytesBetween(7, 10));
    log.truncateFrom(8);
    assertEquals(0, log.bytesBetween(7, 10), "nothing beyond the end");
  }

  @Test
  void binarySearchesFindTermBoundaries() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 3, 1));
    log.append(entries(4, 7, 3));
    log.append(entries(8, 8, 5));
    LogView v = log.view();
    assertEquals(4, v.firstIndexOfTerm(3));
    assertEquals(7, v.lastIndexOfTerm(3, 100));
    assertEquals(5, v.lastIndexOfTerm(3, 5));
    assertEquals(-1, v.lastIndexOfTerm(2, 100));
    assertEquals(-1, v.firstIndexOfTerm(4));
  }

  @Test
  void sliceRespectsCountAndBytesButAlwaysCarriesOneEntry() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 100, 1));
    int size = LogEntry.OVERHEAD_BYTES + 1;
    assertEquals(10, log.view().slice(1, 10, 1 << 20).size());
    assertEquals(3, log.view().slice(1, 100, 3L * size).size());
    assertEquals(1, log.view().slice(1, 100, 1).size());
    assertEquals(0, log.view().slice(101, 100, 1 << 20).size());
  }

  @Test
  void compactionForgetsThePrefixButOldViewsKeepIt() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 2000, 1));
    log.append(entries(2001, 5000, 2));
    LogView before = log.view();
    long bytesTail = log.bytesBetween(3000, 5000);
    log.compactTo(3000);
    assertEquals(3001, log.firstIndex());
    assertEquals(2, log.term(3000)); // the snapshot's term
    assertThrows(IndexOutOfBoundsException.class, () -> log.entry(3000));
    assertEquals((byte) 3001, log.entry(3001).data()[0]);
    assertEquals(bytesTail, log.bytesBetween(3000, 5000));
    assertEquals(log.bytesBetween(3000, 4000), log.bytesBetween(0, 4000)); // nothing before the snapshot
    for (long i = 1; i <= 5000; i++) assertEquals(i <= 2000 ? 1 : 2, before.term(i), "old view changed at " + i);

    // Appends and truncations go on past chunk boundaries; compacting again, then everything.
    log.append(entries(5001, 7000, 3));
    log.truncateFrom(6500);
    log.append(entries(6500, 6600, 4));
    log.compactTo(6000);
    assertEquals(6600, log.lastIndex());
    assertEquals(4, log.term(6600));
    assertEquals(3, log.term(6000));
    assertEquals(log.bytesBetween(6000, 6600), log.bytesBetween(6000, 6599) + log.entry(6600).sizeInBytes());
    log.compactTo(6600);
    assertEquals(6600, log.lastIndex());
    assertEquals(4, log.lastTerm());
    log.append(entries(6601, 8000, 4));
    assertEquals((byte) 7777, log.entry(7777).data()[0]);
    assertThrows(IllegalArgumentException.class, () -> log.compactTo(9000));
    assertThrows(IllegalArgumentException.class, () -> log.truncateFrom(6600));
  }

  @Test
  void resetStartsAnEmptyLogAfterASnapshot() {
    RaftLog log = new RaftLog();
    log.append(entries(1, 100, 1));
    log.resetTo(5000, 3);
    assertEquals(5000, log.lastIndex());
    assertEquals(3, log.lastTerm());
    assertEquals(5001, log.firstIndex());
    log.append(entries(5001, 6100, 3));
    assertEquals((byte) 6000, log.entry(6000).data()[0]);
    assertEquals(0, log.bytesBetween(0, 5000));
    assertThrows(IllegalArgumentException.class, () -> log.resetTo(10, 1));
  }
}
