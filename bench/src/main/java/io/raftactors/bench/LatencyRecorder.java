package io.raftactors.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies in microseconds, recorded from many threads; percentiles from HdrHistogram. */
final class LatencyRecorder {
  private final Histogram histogram = new ConcurrentHistogram(60_000_000L, 3);

  void record(long nanos) {
    histogram.recordValue(Math.max(1, nanos / 1000));
  }

  long count() {
    return histogram.getTotalCount();
  }

  /** Microseconds at {@code percentile} (0-100). */
  long percentileMicros(double percentile) {
    return histogram.getValueAtPercentile(percentile);
  }

  long maxMicros() {
    return histogram.getMaxValue();
  }
}
