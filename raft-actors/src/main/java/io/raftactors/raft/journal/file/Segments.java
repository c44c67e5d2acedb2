package io.raftactors.raft.journal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** File-level helpers of the segmented log: names, headers, preallocation, directory fsync. */
final class Segments {
  static final byte[] MAGIC = "RAFTSEG1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** magic, version, reserved. */
  static final int HEADER = 16;
  static final String NEXT = "segment-next.tmp";
  private static final Pattern NAME = Pattern.compile("segment-(\\d{20})\\.log");
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 16);

  private Segments() {}

  static Path path(Path dir, long startIndex) {
    return dir.resolve(String.format("segment-%020d.log", startIndex));
  }

  /** Start indexes of the segment files in {@code dir}, ascending. */
  static List<Long> list(Path dir) throws IOException {
    List<Long> starts = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) starts.add(Long.parseLong(m.group(1)));
      }
    }
    starts.sort(Long::compare);
    return starts;
  }

  static ByteBuffer header() {
    return ByteBuffer.allocate(HEADER).put(MAGIC).putInt(VERSION).putInt(0).flip();
  }

  /**
   * Creates {@code file} holding a header followed by {@code size - HEADER} zero bytes, written
   * (not sparse) and fsynced, so that later fdatasyncs of data written into it need not update
   * file metadata. With {@code size <= HEADER} the file holds just the header.
   */
  static void allocate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      writeFully(ch, header(), 0);
      zero(ch, HEADER, size);
      ch.force(true);
    }
  }

  /** Overwrites {@code [from, to)} of {@code ch} with zeros. */
  static void zero(FileChannel ch, long from, long to) throws IOException {
    long pos = from;
    while (pos < to) {
      ByteBuffer z = ZEROS.duplicate();
      z.limit((int) Math.min(z.capacity(), to - pos));
      pos += writeFully(ch, z, pos);
    }
  }

  static int writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    int written = 0;
    while (buf.hasRemaining()) written += ch.write(buf, position + written);
    return written;
  }
}
