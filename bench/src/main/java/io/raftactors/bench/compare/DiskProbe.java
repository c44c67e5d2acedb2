package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The disk's fdatasync latency right now (4 KiB appends to a new file, each synced, like a
 * journal's group commit; at most 300 syncs or 1.5 s), measured before each target: durable
 * writes are bound by it, and on a shared machine it moves by an order of magnitude.
 */
final class DiskProbe {
  private DiskProbe() {}

  /** {@code fdatasync p50 195 µs, p99 902 µs (300 x 4 KiB appends)}. */
  static String measure(Path dir) throws IOException {
    Path file = dir.resolve("disk-probe.tmp");
    Histogram h = new Histogram(10_000_000L, 3);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocateDirect(4096);
      long end = System.nanoTime() + 1_500_000_000L;
      for (int i = 0; i < 300 && System.nanoTime() < end; i++) {
        block.clear();
        ch.write(block);
        long t0 = System.nanoTime();
        ch.force(false);
        h.recordValue(Math.min(10_000_000L, Math.max(1, (System.nanoTime() - t0) / 1000)));
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return String.format(Locale.ROOT, "fdatasync p50 %d µs, p99 %d µs (%d x 4 KiB appends)",
        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getTotalCount());
  }
}
