package io.raftactors.bench.compare;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A batch-size histogram a raft-kv node reports in {@code INFO raftstats} (entries per fsync,
 * entries per AppendEntries): power-of-two upper bounds and a count per bucket, so that the
 * counts of a measured window are the difference of two readings.
 */
record BatchStats(long[] bounds, long[] counts, long sum) {
  /** The metrics the harness reads, by the name it reports them under. */
  static final Map<String, String> METRICS = new LinkedHashMap<>(Map.of(
      "entries per fsync", "raft_journal_entries_per_fsync",
      "entries per AppendEntries", "raft_append_entries_batch_entries"));

  /** Parses {@code count=N,sum=S,le_B1=C1,...,le_inf=N} (cumulative counts). */
  static BatchStats parse(String value) {
    String[] parts = value.split(",");
    int buckets = parts.length - 2;
    long[] bounds = new long[buckets - 1];
    long[] counts = new long[buckets];
    long sum = Long.parseLong(parts[1].substring("sum=".length()));
    long previous = 0;
    for (int i = 0; i < buckets; i++) {
      String[] kv = parts[i + 2].substring("le_".length()).split("=");
      if (i < buckets - 1) bounds[i] = Long.parseLong(kv[0]);
      long cumulative = Long.parseLong(kv[1]);
      counts[i] = cumulative - previous;
      previous = cumulative;
    }
    return new BatchStats(bounds, counts, sum);
  }

  BatchStats minus(BatchStats earlier) {
    long[] c = counts.clone();
    for (int i = 0; i < c.length; i++) c[i] -= earlier.counts[i];
    return new BatchStats(bounds, c, sum - earlier.sum);
  }

  long count() {
    long n = 0;
    for (long c : counts) n += c;
    return n;
  }

  double mean() {
    long n = count();
    return n == 0 ? 0 : (double) sum / n;
  }

  /** The upper bound of the bucket holding the p-th percentile ("<= B"), or "> largest". */
  String percentile(double p) {
    long n = count();
    if (n == 0) return "-";
    long rank = (long) Math.ceil(p / 100 * n);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) return i < bounds.length ? "≤" + bounds[i] : ">" + bounds[bounds.length - 1];
    }
    return "-";
  }

  /** Bucket label: "1", "2", "3-4", "5-8", ..., ">32768". */
  String label(int i) {
    if (i == bounds.length) return ">" + bounds[bounds.length - 1];
    long low = i == 0 ? 1 : bounds[i - 1] + 1;
    return low == bounds[i] ? Long.toString(low) : low + "-" + bounds[i];
  }

  /** The non-empty buckets as "label: share%" (share of the batches). */
  String shares() {
    long n = count();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) continue;
      if (sb.length() > 0) sb.append(", ");
      sb.append(label(i)).append(": ").append(String.format(Locale.ROOT, "%.0f%%", 100.0 * counts[i] / n));
    }
    return sb.toString();
  }
}
