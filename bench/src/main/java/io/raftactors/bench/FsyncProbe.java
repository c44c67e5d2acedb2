package io.raftactors.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The physical limit of the disk under the journal: one writer overwriting a preallocated file
 * with {@code blockSize} bytes and fdatasync-ing after each write, as a journal that synced every
 * record would.
 */
final class FsyncProbe {
  private FsyncProbe() {}

  /** Syncs per second and latency percentiles over {@code seconds}. */
  static LatencyRecorder measure(Path dir, int blockSize, double seconds) throws IOException {
    Path file = dir.resolve("fsync-probe.tmp");
    int blocks = 4096;
    LatencyRecorder latency = new LatencyRecorder();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer zeros = ByteBuffer.allocateDirect(blockSize);
      for (int i = 0; i < blocks; i++) {
        zeros.clear();
        ch.write(zeros, (long) i * blockSize);
      }
      ch.force(true);
      ByteBuffer data = ByteBuffer.allocateDirect(blockSize);
      long end = System.nanoTime() + (long) (seconds * 1e9);
      for (long i = 0; System.nanoTime() < end; i++) {
        data.clear();
        data.putLong(0, i);
        long start = System.nanoTime();
        ch.write(data, (i % blocks) * blockSize);
        ch.force(false);
        latency.record(System.nanoTime() - start);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return latency;
  }
}
