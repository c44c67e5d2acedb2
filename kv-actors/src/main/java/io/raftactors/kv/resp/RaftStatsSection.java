package io.raftactors.kv.resp;

import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.CounterFamily;
import io.raftactors.raft.metrics.Gauge;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.Metric;
import io.raftactors.raft.metrics.MetricRegistry;

/**
 * {@code INFO raftstats}: the node's metrics, one per line, under their Prometheus names. Counters
 * and gauges as {@code name:value}; a histogram as
 * {@code name:count=N,sum=S,le_B1=C1,...,le_inf=N}, with cumulative counts per upper bound as in
 * the Prometheus format, bounds and sum in the exported unit (seconds for {@code _seconds}); a
 * labeled counter as {@code name:V1=N1,V2=N2} by label value (e.g. {@code
 * raft_messages_sent_total:n2=10,n3=12}), empty before its first count.
 */
final class RaftStatsSection {
  private RaftStatsSection() {}

  static String render(MetricRegistry registry) {
    StringBuilder sb = new StringBuilder("# Raftstats\r\n");
    for (Metric m : registry.all()) {
      sb.append(m.name()).append(':');
      if (m instanceof Counter c) {
        sb.append(c.get());
      } else if (m instanceof CounterFamily f) {
        family(sb, f);
      } else if (m instanceof Gauge g) {
        sb.append(g.get());
      } else if (m instanceof Histogram h) {
        histogram(sb, h.snapshot());
      }
      sb.append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  private static void family(StringBuilder sb, CounterFamily f) {
    String sep = "";
    for (var e : f.values().entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ",";
    }
  }

  private static void histogram(StringBuilder sb, Histogram.Snapshot s) {
    sb.append("count=").append(s.count()).append(",sum=").append(Histogram.exported(s.sum(), s.scale()));
    long cumulative = 0;
    for (int i = 0; i < s.bounds().length; i++) {
      cumulative += s.counts()[i];
      sb.append(",le_").append(Histogram.exported(s.bounds()[i], s.scale())).append('=').append(cumulative);
    }
    sb.append(",le_inf=").append(cumulative + s.counts()[s.bounds().length]);
  }
}
