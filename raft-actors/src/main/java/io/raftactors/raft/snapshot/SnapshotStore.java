package io.raftactors.raft.snapshot;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import io.raftactors.raft.io.Durable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot files in one directory, each the state after applying the log up to {@code index}
 * (of term {@code term}), named {@code snapshot-<index>-<term>.snap}. A snapshot is written to a
 * temporary file, fsynced, renamed into place and the directory fsynced, so a crash leaves
 * either the whole snapshot or none (temporary files are removed on open).
 *
 * <pre>
 *   "RASNAP02" | long index | long term | body ... | long bodyLength | int crc32c(header + body) | "RASNAPOK"
 *   body = int n | n bytes: the configuration block (opaque here; the cluster's configuration at
 *          index and where it came from) | the state machine's bytes
 * </pre>
 *
 * Files with the magic {@code RASNAP01} (older releases) have no configuration block.
 *
 * Blocking file I/O: use it from a dedicated I/O dispatcher, never from an Akka default one.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final byte[] MAGIC = "RASNAP01".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MAGIC_WITH_CONFIG = "RASNAP02".getBytes(StandardCharsets.US_ASCII);
  /** Largest configuration block a snapshot may hold. */
  private static final int MAX_CONFIG_BYTES = 16 << 20;
  private static final byte[] END = "RASNAPOK".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + 16;
  private static final int TRAILER = 8 + 4 + END.length;
  private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");
  private static final String TMP_SUFFIX = ".tmp";
  /**
   * A snapshot file is forced to disk every this many bytes while it is written, so that the
   * final fsync (and the page cache) never holds a whole large snapshot: one huge writeback would
   * stall the journal's small fsyncs on the same disk for as long.
   */
  private static final long SYNC_EVERY_BYTES = 8L << 20;

  /** A snapshot file: the log position it covers and its size. */
  public record Meta(long index, long term, Path path, long bytes) {}

  private final Path dir;

  /** Opens (creating if needed) the snapshot directory; removes temporary files of writes a crash interrupted. */
  public SnapshotStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
      for (Path tmp : files) {
        LOG.warn("removing {}, a snapshot whose write did not finish", tmp);
        Files.delete(tmp);
      }
    }
  }

  public Path directory() {
    return dir;
  }

  static String fileName(long index, long term) {
    return String.format("snapshot-%020d-%020d.snap", index, term);
  }

  /** Starts writing the snapshot of {@code (index, term)}: write the body, then {@link Writer#commit}. */
  public Writer begin(long index, long term) throws IOException {
    return begin(index, term, null);
  }

  /**
   * Starts writing the snapshot of {@code (index, term)} that holds {@code configuration} (the
   * cluster's configuration at {@code index}, opaque here; null: none) ahead of the state machine's
   * body; {@link #readConfiguration} gives it back.
   */
  public Writer begin(long index, long term, byte[] configuration) throws IOException {
    if (index < 1 || term < 1) throw new IllegalArgumentException("snapshot of index " + index + ", term " + term);
    return new Writer(index, term, false, configuration);
  }

  /**
   * Starts receiving a whole snapshot file (header, body and trailer, as another node's store
   * wrote it) for {@code (index, term)}: write the file's bytes to {@link Writer#body()} in order,
   * then {@link Writer#commit}, which verifies the file (checksum, length, position) before it is
   * put in place, so a damaged transfer never becomes a snapshot.
   */
  public Writer receive(long index, long term) throws IOException {
    if (index < 1 || term < 1) throw new IllegalArgumentException("snapshot of index " + index + ", term " + term);
    return new Writer(index, term, true, null);
  }

  /** The snapshot files, newest (highest index) first, unverified. */
  public List<Meta> list() throws IOException {
    List<Meta> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "snapshot-*.snap")) {
      for (Path p : files) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) continue;
        try {
          out.add(new Meta(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), p, Files.size(p)));
        } catch (NumberFormatException e) {
          LOG.warn("ignoring {}: not a position a snapshot can have", p);
        }
      }
    }
    out.sort(Comparator.comparingLong(Meta::index).reversed());
    return out;
  }

  /** The newest snapshot, if any, whatever its state: {@link #verify} before trusting it. */
  public Optional<Meta> newest() throws IOException {
    return list().stream().findFirst();
  }

  /**
   * Reads the whole file and checks it: header matching its name, checksum, length, end marker.
   *
   * @throws SnapshotCorruptedException naming the file and what is wrong
   */
  public void verify(Meta meta) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(meta.path()), 1 << 16)) {
      CRC32C crc = new CRC32C();
      long size = meta.bytes();
      if (size < HEADER + TRAILER) throw corrupt(meta, "truncated to " + size + " bytes");
      byte[] header = in.readNBytes(HEADER);
      checkHeader(meta, header);
      crc.update(header);
      long body = size - HEADER - TRAILER;
      byte[] buf = new byte[1 << 16];
      long left = body;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) throw corrupt(meta, "truncated");
        crc.update(buf, 0, n);
        left -= n;
      }
      DataInputStream trailer = new DataInputStream(in);
      long length = trailer.readLong();
      int stored = trailer.readInt();
      byte[] end = trailer.readNBytes(END.length);
      if (!java.util.Arrays.equals(end, END)) throw corrupt(meta, "no end marker (the write did not finish)");
      if (length != body) throw corrupt(meta, "body length " + length + " recorded, " + body + " present");
      if (stored != (int) crc.getValue()) throw corrupt(meta, "checksum mismatch");
    } catch (EOFException e) {
      throw corrupt(meta, "truncated");
    }
  }

  /**
   * The newest snapshot that verifies, skipping (and logging) damaged newer ones; the caller
   * decides whether the log still covers the gap an older one leaves.
   */
  public Optional<Meta> newestValid() throws IOException {
    for (Meta m : list()) {
      try {
        verify(m);
        return Optional.of(m);
      } catch (SnapshotCorruptedException e) {
        LOG.error("skipping a damaged snapshot: {}", e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The body of a snapshot (verify it first): exactly the bytes the state machine wrote. */
  public InputStream openBody(Meta meta) throws IOException {
    // Unbuffered: the few reads of the header go to the file, and the body is buffered once, by
    // BoundedInputStream.
    InputStream in = Files.newInputStream(meta.path());
    try {
      long body = meta.bytes() - HEADER - TRAILER;
      if (checkHeader(meta, in.readNBytes(HEADER))) {
        int n = readConfigLength(meta, in, body);
        in.skipNBytes(n);
        body -= 4 + n;
      }
      return new BoundedInputStream(in, body);
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /** The configuration block the snapshot holds (verify it first), or null if it has none. */
  public byte[] readConfiguration(Meta meta) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(meta.path()), 1 << 12)) {
      if (!checkHeader(meta, in.readNBytes(HEADER))) return null;
      int n = readConfigLength(meta, in, meta.bytes() - HEADER - TRAILER);
      byte[] config = in.readNBytes(n);
      if (config.length != n) throw corrupt(meta, "truncated configuration");
      return config;
    }
  }

  private static int readConfigLength(Meta meta, InputStream in, long body) throws IOException {
    int n = new DataInputStream(in).readInt();
    if (n < 0 || n > MAX_CONFIG_BYTES || 4L + n > body) {
      throw corrupt(meta, "configuration block of " + n + " bytes");
    }
    return n;
  }

  /**
   * Keeps the newest valid snapshot and the {@code keep - 1} below it; deletes older ones. Never
   * deletes the newest valid snapshot, whatever damaged files lie above it (they stay for a look).
   */
  public void retain(int keep) throws IOException {
    if (keep < 1) throw new IllegalArgumentException("keep at least one snapshot");
    Optional<Meta> valid = newestValid();
    if (valid.isEmpty()) return;
    List<Meta> older = list().stream().filter(m -> m.index() <= valid.get().index()).toList();
    for (Meta m : older.subList(Math.min(keep, older.size()), older.size())) {
      Files.deleteIfExists(m.path());
      LOG.info("deleted snapshot {} (keeping {} up to index {})", m.path().getFileName(), keep, valid.get().index());
    }
  }

  /**
   * Like {@link #retain(int)}, for a caller that knows {@code valid} is valid (it has just written
   * or verified it): keeps it, every file above it, and the {@code keep - 1} below it, without
   * reading any of them again.
   */
  public void retain(int keep, Meta valid) throws IOException {
    if (keep < 1) throw new IllegalArgumentException("keep at least one snapshot");
    List<Meta> older = list().stream().filter(m -> m.index() < valid.index()).toList();
    for (Meta m : older.subList(Math.min(keep - 1, older.size()), older.size())) {
      Files.deleteIfExists(m.path());
      LOG.info("deleted snapshot {} (keeping {} up to index {})", m.path().getFileName(), keep, valid.index());
    }
  }

  /** Checks the header; returns whether the body starts with a configuration block. */
  private boolean checkHeader(Meta meta, byte[] header) throws IOException {
    if (header.length < HEADER) throw corrupt(meta, "truncated header");
    byte[] magic = java.util.Arrays.copyOf(header, MAGIC.length);
    boolean withConfig = java.util.Arrays.equals(magic, MAGIC_WITH_CONFIG);
    if (!withConfig && !java.util.Arrays.equals(magic, MAGIC)) {
      throw corrupt(meta, "not a snapshot file (bad magic)");
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(header, MAGIC.length, 16);
    long index = b.getLong();
    long term = b.getLong();
    if (index != meta.index() || term != meta.term()) {
      throw corrupt(meta, "header says index " + index + ", term " + term + ", unlike its name");
    }
    return withConfig;
  }

  private static SnapshotCorruptedException corrupt(Meta meta, String what) {
    return new SnapshotCorruptedException(meta.path(), what);
  }

  /** Writes one snapshot: the body through {@link #body()}, then {@link #commit} or {@link #abort}. */
  public final class Writer implements AutoCloseable {
    private final long index;
    private final long term;
    private final Path tmp;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final OutputStream file;
    private final CountingOutput body;
    private final boolean raw;
    private boolean done;
    private long syncedAt;

    private Writer(long index, long term, boolean raw, byte[] configuration) throws IOException {
      this.index = index;
      this.term = term;
      this.raw = raw;
      // A name of its own: two writers of the same snapshot (a resent install) never share a file.
      this.tmp = Files.createTempFile(dir, fileName(index, term) + ".", TMP_SUFFIX);
      try {
        this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      this.file = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
      if (!raw) {
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(HEADER);
        header.put(configuration == null ? MAGIC : MAGIC_WITH_CONFIG).putLong(index).putLong(term);
        file.write(header.array());
        crc.update(header.array());
      }
      this.body = new CountingOutput(file, crc);
      if (configuration != null) {
        if (configuration.length > MAX_CONFIG_BYTES) throw new IllegalArgumentException("configuration too large");
        DataOutputStream out = new DataOutputStream(body);
        out.writeInt(configuration.length);
        out.write(configuration);
      }
    }

    /** Where the state machine writes the snapshot's body. Closing it does nothing. */
    public OutputStream body() {
      return body;
    }

    /** Forces what was written so far to disk once {@link #SYNC_EVERY_BYTES} accumulated. */
    public void syncIfDue() throws IOException {
      if (body.count - syncedAt < SYNC_EVERY_BYTES) return;
      file.flush();
      channel.force(false);
      syncedAt = body.count;
    }

    /** Bytes of body (for {@link #receive}: of the file) written so far. */
    public long bodyBytes() {
      return body.count;
    }

    /**
     * Ends the file, makes it durable and puts it in place (replacing an equal one); returns it.
     * If only the final directory fsync fails, the complete snapshot may still be found later;
     * it is valid, as every file that verifies is.
     */
    public Meta commit() throws IOException {
      if (done) throw new IllegalStateException("already committed or aborted");
      if (!raw) {
        java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(TRAILER);
        trailer.putLong(body.count).putInt((int) crc.getValue()).put(END);
        file.write(trailer.array());
      }
      file.flush();
      channel.force(true);
      channel.close();
      if (raw) {
        try {
          verify(new Meta(index, term, tmp, Files.size(tmp)));
        } catch (IOException e) {
          done = true;
          Files.deleteIfExists(tmp);
          throw e;
        }
      }
      Path target = dir.resolve(fileName(index, term));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Durable.fsyncDirectory(dir);
      done = true;
      return new Meta(index, term, target, Files.size(target));
    }

    /** Forgets the partial file. */
    public void abort() throws IOException {
      if (done) return;
      done = true;
      channel.close();
      Files.deleteIfExists(tmp);
    }

    /** Aborts unless committed. */
    @Override
    public void close() throws IOException {
      abort();
    }
  }

  /** Counts and checksums what passes through; close does not close the file. */
  private static final class CountingOutput extends FilterOutputStream {
    private final CRC32C crc;
    long count;

    CountingOutput(OutputStream out, CRC32C crc) {
      super(out);
      this.crc = crc;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /**
   * Reads at most {@code limit} bytes, then end of stream; buffered, and unsynchronized (one reader:
   * a restore reads a snapshot's keys a few bytes at a time, millions of times, and
   * BufferedInputStream takes a lock on every call).
   */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int end;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    /** False at the end of the body. */
    private boolean fill() throws IOException {
      if (left <= 0) return false;
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n <= 0) return false;
      left -= n;
      position = 0;
      end = n;
      return true;
    }

    @Override
    public int read() throws IOException {
      if (position == end && !fill()) return -1;
      return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) return 0;
      if (position == end && !fill()) return -1;
      int n = Math.min(len, end - position);
      System.arraycopy(buffer, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return end - position;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
