package io.raftactors.raft.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets (Prometheus style): bucket {@code i} holds the values
 * {@code v <= bounds[i]} not in an earlier bucket, the last one everything above the largest bound.
 * Values are longs in the metric's base unit (entries, nanoseconds); {@link #scale()} turns them into
 * the exported unit (seconds for a {@code _seconds} metric). Lock-free; one observation is a binary
 * search and two atomic adds.
 */
public final class Histogram extends Metric {
  private final long[] bounds;
  private final double scale;
  private final AtomicLongArray counts;
  private final LongAdder sum = new LongAdder();

  Histogram(String name, String help, long[] bounds, double scale) {
    super(name, help);
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] <= bounds[i - 1]) throw new IllegalArgumentException(name + ": bounds must ascend");
    }
    this.bounds = bounds.clone();
    this.scale = scale;
    this.counts = new AtomicLongArray(bounds.length + 1);
  }

  /** Bounds 1, 2, 4, ..., 2^(n-1): for batch sizes. */
  public static long[] powersOfTwo(int n) {
    long[] b = new long[n];
    for (int i = 0; i < n; i++) b[i] = 1L << i;
    return b;
  }

  /** Bounds first, first*factor, ... (n of them, rounded): for latencies. */
  public static long[] exponential(long first, double factor, int n) {
    long[] b = new long[n];
    double v = first;
    for (int i = 0; i < n; i++, v *= factor) b[i] = Math.round(v);
    return b;
  }

  public void observe(long value) {
    int i = Arrays.binarySearch(bounds, value);
    counts.incrementAndGet(i >= 0 ? i : -i - 1);
    sum.add(value);
  }

  /** A consistent-enough copy: each bucket read once (observations racing with it may be half in). */
  public Snapshot snapshot() {
    long[] c = new long[counts.length()];
    for (int i = 0; i < c.length; i++) c[i] = counts.get(i);
    return new Snapshot(bounds.clone(), c, sum.sum(), scale);
  }

  /** Whether this histogram has exactly these buckets and scale. */
  boolean hasBuckets(long[] bounds, double scale) {
    return Arrays.equals(this.bounds, bounds) && this.scale == scale;
  }

  /**
   * {@code value * scale} in plain decimal without trailing zeros (exact: {@code 25000} ns at scale
   * {@code 1e-9} is {@code 0.000025}), as exporters print bounds and sums.
   */
  public static String exported(long value, double scale) {
    if (scale == 1) return Long.toString(value);
    return new java.math.BigDecimal(value).multiply(java.math.BigDecimal.valueOf(scale)).stripTrailingZeros()
        .toPlainString();
  }

  /** Factor from the base unit to the exported one. */
  public double scale() {
    return scale;
  }

  /**
   * @param counts per bucket (not cumulative); {@code counts[bounds.length]} is the overflow bucket
   * @param sum of the observed values, in the base unit
   */
  public record Snapshot(long[] bounds, long[] counts, long sum, double scale) {
    public long count() {
      long n = 0;
      for (long c : counts) n += c;
      return n;
    }

    /** Average in the base unit; 0 with no observation. */
    public double mean() {
      long n = count();
      return n == 0 ? 0 : (double) sum / n;
    }
  }
}
