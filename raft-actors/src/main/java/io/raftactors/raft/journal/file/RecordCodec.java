package io.raftactors.raft.journal.file;

import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one log entry:
 *
 * <pre>
 *   int    length     bytes of the payload below (never 0: a 0 marks unwritten space)
 *   int    crc32c     CRC32C of the payload
 *   long   index      \
 *   long   term        |
 *   long   timestamp   | payload
 *   byte   kind        |
 *   byte[] data       /
 * </pre>
 */
final class RecordCodec {
  static final int FRAME_HEADER = 8;
  static final int PAYLOAD_FIXED = 8 + 8 + 8 + 1;
  /** Bytes a record adds to its data. */
  static final int OVERHEAD = FRAME_HEADER + PAYLOAD_FIXED;

  private RecordCodec() {}

  static int size(LogEntry e) {
    return OVERHEAD + e.data().length;
  }

  /** Writes {@code e}'s frame at the buffer's position. */
  static void encode(LogEntry e, ByteBuffer out) {
    int start = out.position();
    int payload = PAYLOAD_FIXED + e.data().length;
    out.putInt(payload).putInt(0);
    out.putLong(e.index()).putLong(e.term()).putLong(e.timestamp())
        .put((byte) e.kind().ordinal()).put(e.data());
    CRC32C crc = new CRC32C();
    ByteBuffer body = out.duplicate();
    body.position(start + FRAME_HEADER).limit(start + FRAME_HEADER + payload);
    crc.update(body);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /** The outcome of reading the frame at an offset. */
  record Read(LogEntry entry, int frameLength, String problem) {
    boolean valid() {
      return entry != null;
    }
  }

  /**
   * Reads the frame at {@code offset} of {@code buf} (absolute; the buffer's position is not
   * used), checking its length against {@code maxPayload} and its checksum.
   */
  static Read read(ByteBuffer buf, int offset, int maxPayload) {
    int limit = buf.limit();
    if (offset + FRAME_HEADER > limit) return new Read(null, 0, "frame header cut off by the end of the file");
    int payload = buf.getInt(offset);
    if (payload == 0) return new Read(null, 0, "no record (unwritten space)");
    if (payload < PAYLOAD_FIXED || payload > maxPayload) {
      return new Read(null, 0, "impossible record length " + payload);
    }
    if ((long) offset + FRAME_HEADER + payload > limit) {
      return new Read(null, 0, "record of " + payload + " bytes cut off by the end of the file");
    }
    int stored = buf.getInt(offset + 4);
    CRC32C crc = new CRC32C();
    ByteBuffer body = buf.duplicate();
    body.position(offset + FRAME_HEADER).limit(offset + FRAME_HEADER + payload);
    crc.update(body);
    if ((int) crc.getValue() != stored) return new Read(null, 0, "checksum mismatch");
    int p = offset + FRAME_HEADER;
    long index = buf.getLong(p);
    long term = buf.getLong(p + 8);
    long timestamp = buf.getLong(p + 16);
    int kind = buf.get(p + 24);
    if (index < 1 || term < 1 || kind < 0 || kind >= EntryKind.values().length) {
      return new Read(null, 0, "invalid record fields (index " + index + ", term " + term + ")");
    }
    byte[] data = new byte[payload - PAYLOAD_FIXED];
    buf.get(p + PAYLOAD_FIXED, data);
    LogEntry entry = new LogEntry(index, term, timestamp, EntryKind.values()[kind], data);
    return new Read(entry, FRAME_HEADER + payload, null);
  }
}
