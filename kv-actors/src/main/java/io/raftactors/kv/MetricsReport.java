package io.raftactors.kv;

import io.raftactors.raft.RaftSerializable;
import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.CounterFamily;
import io.raftactors.raft.metrics.Gauge;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.Metric;
import io.raftactors.raft.metrics.MetricRegistry;
import java.util.Map;
import java.util.TreeMap;

/**
 * A replica's metrics at one moment, answer to {@link KvCommand.GetMetrics}: every sample by its
 * Prometheus name, e.g. {@code raft_term}, {@code raft_messages_sent_total{peer="n2"}}, and a
 * histogram as its {@code _count} and {@code _sum} (in the exported unit). What a console needs to
 * show members it does not run in.
 */
public record MetricsReport(String nodeId, Map<String, Double> samples) implements RaftSerializable {

  public MetricsReport {
    samples = Map.copyOf(samples);
  }

  /** The sample {@code name}, or 0 when the node has none by that name. */
  public double sample(String name) {
    return samples.getOrDefault(name, 0.0);
  }

  /** Reads every metric of {@code registry}. */
  public static MetricsReport of(String nodeId, MetricRegistry registry) {
    Map<String, Double> samples = new TreeMap<>();
    for (Metric m : registry.all()) {
      if (m instanceof Counter c) {
        samples.put(m.name(), (double) c.get());
      } else if (m instanceof Gauge g) {
        samples.put(m.name(), (double) g.get());
      } else if (m instanceof CounterFamily f) {
        f.values().forEach((label, n) -> samples.put(m.name() + "{" + f.labelName() + "=\"" + label + "\"}", (double) n));
      } else if (m instanceof Histogram h) {
        Histogram.Snapshot s = h.snapshot();
        samples.put(m.name() + "_count", (double) s.count());
        samples.put(m.name() + "_sum", s.sum() * s.scale());
      }
    }
    return new MetricsReport(nodeId, samples);
  }
}
