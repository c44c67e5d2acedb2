package io.raftactors.raft.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The journal's small metadata file: the owner's node id, current term and vote, the first log
 * index the journal must hold ({@code logStart}) and the first index of its newest segment
 * ({@code lastSegmentStart}, so a lost newest segment is noticed). Replaced atomically: written
 * to {@code meta.tmp}, fsynced, renamed over {@code meta}, and the directory fsynced.
 *
 * <pre>
 *   "RAFTMETA" | int version | int length | payload | int crc32c(payload)
 *   payload = utf nodeId | long term | utf votedFor ("" = none) | long logStart | long lastSegmentStart
 * </pre>
 */
record MetaFile(String nodeId, long term, String votedFor, long logStart, long lastSegmentStart) {
  static final String NAME = "meta";
  private static final String TMP = "meta.tmp";
  private static final byte[] MAGIC = "RAFTMETA".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;

  MetaFile withTermVote(long t, String v) {
    return new MetaFile(nodeId, t, v, logStart, lastSegmentStart);
  }

  MetaFile withLogStart(long start) {
    return new MetaFile(nodeId, term, votedFor, start, lastSegmentStart);
  }

  MetaFile withLastSegmentStart(long start) {
    return new MetaFile(nodeId, term, votedFor, logStart, start);
  }

  /** Replaces the metadata file of {@code dir} atomically and durably. */
  void write(Path dir) throws IOException {
    byte[] node = nodeId.getBytes(StandardCharsets.UTF_8);
    byte[] vote = votedFor == null ? new byte[0] : votedFor.getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(2 + node.length + 8 + 2 + vote.length + 8 + 8);
    payload.putShort((short) node.length).put(node).putLong(term)
        .putShort((short) vote.length).put(vote).putLong(logStart).putLong(lastSegmentStart);
    payload.flip();
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    ByteBuffer file = ByteBuffer.allocate(MAGIC.length + 4 + 4 + payload.remaining() + 4);
    file.put(MAGIC).putInt(VERSION).putInt(payload.remaining()).put(payload)
        .putInt((int) crc.getValue()).flip();
    Path tmp = dir.resolve(TMP);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      while (file.hasRemaining()) ch.write(file);
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    io.raftactors.raft.io.Durable.fsyncDirectory(dir);
  }

  /** Reads the metadata of {@code dir}; null when there is none. A damaged file is corruption. */
  static MetaFile read(Path dir) throws IOException {
    Path path = dir.resolve(NAME);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int header = MAGIC.length + 8;
    if (bytes.length < header) {
      throw new JournalCorruptedException(path, bytes.length, "metadata file truncated to " + bytes.length + " bytes");
    }
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new JournalCorruptedException(path, 0, "not a metadata file (bad magic)");
    }
    int version = b.getInt();
    if (version != VERSION) throw new JournalCorruptedException(path, 8, "unknown metadata version " + version);
    int length = b.getInt();
    if (length < 0 || header + length + 4 > bytes.length) {
      throw new JournalCorruptedException(path, bytes.length,
          "metadata file truncated: " + bytes.length + " bytes, expected " + (header + length + 4));
    }
    ByteBuffer payload = ByteBuffer.wrap(bytes, header, length).slice();
    CRC32C crc = new CRC32C();
    crc.update(payload.duplicate());
    int stored = ByteBuffer.wrap(bytes, header + length, 4).getInt();
    if ((int) crc.getValue() != stored) {
      throw new JournalCorruptedException(path, header, "metadata checksum mismatch");
    }
    try {
      String node = readString(payload);
      long term = payload.getLong();
      String vote = readString(payload);
      long logStart = payload.getLong();
      long lastSegmentStart = payload.getLong();
      return new MetaFile(node, term, vote.isEmpty() ? null : vote, logStart, lastSegmentStart);
    } catch (RuntimeException e) {
      throw new JournalCorruptedException(path, header, "malformed metadata: " + e);
    }
  }

  private static String readString(ByteBuffer b) {
    byte[] s = new byte[b.getShort() & 0xFFFF];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
