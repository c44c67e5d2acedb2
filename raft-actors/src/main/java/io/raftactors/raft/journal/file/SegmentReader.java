package io.raftactors.raft.journal.file;

import io.raftactors.raft.log.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a segment at recovery: checks the header, then every record's length, checksum and index
 * (consecutive from the segment's start, terms never decreasing).
 *
 * <p>Where the records stop being valid decides the outcome:
 *
 * <ul>
 *   <li>only zeros (preallocated space) or the end of the file follow: the clean end;
 *   <li>in the newest segment, an invalid record after which no valid record can be found: a torn
 *       write at the tail (a crash during a write, before its fsync; nothing there was ever
 *       acknowledged). It is cut off; the caller logs a warning;
 *   <li>anything else (an invalid record in an older segment, or one followed by valid records):
 *       corruption. {@link JournalCorruptedException} names the file and offset.
 * </ul>
 *
 * Writes are sequenced write, fsync, write, so a crash can only tear the last group of records;
 * valid records after a bad one mean the bad one was once good.
 */
final class SegmentReader {
  /** What the scan found. */
  record Result(long endOfData, long tornAt, String tornReason) {
    boolean torn() {
      return tornAt >= 0;
    }
  }

  private SegmentReader() {}

  static Result scan(Segment segment, boolean newest, long expectedFirstTerm, int maxPayload, List<LogEntry> out)
      throws IOException {
    try (FileChannel ch = FileChannel.open(segment.path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new JournalCorruptedException(segment.path, -1, "segment larger than 2 GiB");
      }
      if (size < Segments.HEADER) {
        if (newest && allZero(ch, 0, size)) return new Result(Segments.HEADER, 0, "header never written");
        throw new JournalCorruptedException(segment.path, size, "segment shorter than its header");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      byte[] magic = new byte[Segments.MAGIC.length];
      buf.get(0, magic);
      if (!Arrays.equals(magic, Segments.MAGIC) || buf.getInt(8) != Segments.VERSION) {
        throw new JournalCorruptedException(segment.path, 0, "not a segment file (bad header)");
      }
      int pos = Segments.HEADER;
      long expected = segment.startIndex;
      long term = expectedFirstTerm;
      while (true) {
        RecordCodec.Read r = RecordCodec.read(buf, pos, maxPayload);
        String problem = r.problem();
        if (r.valid()) {
          LogEntry e = r.entry();
          if (e.index() != expected) {
            problem = "record has index " + e.index() + " where " + expected + " belongs";
          } else if (e.term() < term) {
            problem = "record " + e.index() + " has term " + e.term() + " after term " + term;
          } else {
            segment.added(e, pos);
            out.add(e);
            expected++;
            term = e.term();
            pos += r.frameLength();
            continue;
          }
        }
        if (allZero(buf, pos)) return new Result(pos, -1, null); // clean end: zeros or nothing
        if (newest && !anyValidRecordAfter(buf, pos, maxPayload)) {
          return new Result(pos, pos, problem);
        }
        throw new JournalCorruptedException(segment.path, pos, problem
            + (newest ? "; valid records follow, which a torn write cannot explain" : " in a sealed segment"));
      }
    }
  }

  private static boolean allZero(ByteBuffer buf, int from) {
    int limit = buf.limit();
    int i = from;
    for (; i + 8 <= limit; i += 8) if (buf.getLong(i) != 0) return false;
    for (; i < limit; i++) if (buf.get(i) != 0) return false;
    return true;
  }

  private static boolean allZero(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) (to - from));
    ch.read(b, from);
    b.flip();
    return allZero(b, 0);
  }

  /** Whether a well-formed record with a valid checksum starts anywhere after {@code from}. */
  private static boolean anyValidRecordAfter(ByteBuffer buf, int from, int maxPayload) {
    int last = buf.limit() - RecordCodec.OVERHEAD;
    for (int p = from + 1; p <= last; p++) {
      int length = buf.getInt(p);
      if (length < RecordCodec.PAYLOAD_FIXED || length > maxPayload) continue;
      if (RecordCodec.read(buf, p, maxPayload).valid()) return true;
    }
    return false;
  }
}
