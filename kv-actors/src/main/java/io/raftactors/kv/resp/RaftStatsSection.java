package io.raftactors.kv.resp;

import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.Gauge;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.Metric;
import io.raftactors.raft.metrics.MetricRegistry;
import java.math.BigDecimal;

/**
 * {@code INFO raftstats}: the node's metrics, one per line, under their Prometheus names. Counters
 * and gauges as {@code name:value}; a histogram as
 * {@code name:count=N,sum=S,le_B1=C1,...,le_inf=N}, with cumulative counts per upper bound as in
 * the Prometheus format, bounds and sum in the exported unit (seconds for {@code _seconds}).
 */
final class RaftStatsSection {
  private RaftStatsSection() {}

  static String render(MetricRegistry registry) {
    StringBuilder sb = new StringBuilder("# Raftstats\r\n");
    for (Metric m : registry.all()) {
      sb.append(m.name()).append(':');
      if (m instanceof Counter c) {
        sb.append(c.get());
      } else if (m instanceof Gauge g) {
        sb.append(g.get());
      } else if (m instanceof Histogram h) {
        histogram(sb, h.snapshot());
      }
      sb.append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private static void histogram(StringBuilder sb, Histogram.Snapshot s) {
    sb.append("count=").append(s.count()).append(",sum=").append(number(s.sum(), s.scale()));
    long cumulative = 0;
    for (int i = 0; i < s.bounds().length; i++) {
      cumulative += s.counts()[i];
      sb.append(",le_").append(number(s.bounds()[i], s.scale())).append('=').append(cumulative);
    }
    sb.append(",le_inf=").append(cumulative + s.counts()[s.bounds().length]);
  }

  /** {@code value * scale} in plain decimal, without trailing zeros. */
  static String number(long value, double scale) {
    if (scale == 1) return Long.toString(value);
    return new BigDecimal(value).multiply(BigDecimal.valueOf(scale)).stripTrailingZeros().toPlainString();
  }
}
