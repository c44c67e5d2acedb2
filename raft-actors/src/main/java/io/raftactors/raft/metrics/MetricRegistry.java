package io.raftactors.raft.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;

/**
 * The metrics of one node, by name. Components get (or create, on first use) their metrics here
 * when they start; a component restarted in the same process gets the same ones back, so counters
 * keep growing across restarts as a scraper expects. Exporters read {@link #all()}.
 */
public final class MetricRegistry {
  private final ConcurrentMap<String, Metric> metrics = new ConcurrentHashMap<>();
  /** Names in registration order; written under the lock, after the metric is in the map. */
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Counter counter(String name, String help) {
    return get(name, help, Counter.class, Counter::new);
  }

  /**
   * Counters of one name by the value of label {@code labelName} (see {@link CounterFamily});
   * registering the name again with another label fails.
   */
  public CounterFamily counterFamily(String name, String help, String labelName) {
    checkLabelName(labelName);
    CounterFamily f = get(name, help, CounterFamily.class, (n, x) -> new CounterFamily(n, x, labelName));
    if (!f.labelName().equals(labelName)) {
      throw new IllegalArgumentException(name + " is already registered with label " + f.labelName());
    }
    return f;
  }

  public Gauge gauge(String name, String help) {
    return get(name, help, Gauge.class, Gauge::new);
  }

  /** A histogram over {@code bounds} in the base unit; {@code scale} converts to the exported unit. */
  public Histogram histogram(String name, String help, long[] bounds, double scale) {
    Histogram h = get(name, help, Histogram.class, (n, x) -> new Histogram(n, x, bounds, scale));
    if (!h.hasBuckets(bounds, scale)) {
      throw new IllegalArgumentException(name + " is already registered with other buckets");
    }
    return h;
  }

  /** Every metric, in the order they were first registered. */
  public List<Metric> all() {
    List<Metric> out = new ArrayList<>(order.size());
    for (String n : order) out.add(metrics.get(n));
    return out;
  }

  private <M extends Metric> M get(String name, String help, Class<M> type, BiFunction<String, String, M> create) {
    if (!name.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("bad metric name: " + name);
    Metric m = metrics.get(name);
    if (m == null) {
      synchronized (this) {
        m = metrics.get(name);
        if (m == null) {
          m = create.apply(name, help);
          metrics.put(name, m); // before it is listed, so that all() never meets a name without its metric
          order.add(name);
        }
      }
    }
    if (!type.isInstance(m)) {
      throw new IllegalArgumentException(name + " is already a " + m.getClass().getSimpleName());
    }
    return type.cast(m);
  }

  /** This registry with constant labels every exported sample of it carries ({@code node="n1"}). */
  public Labeled labeled(String labelName, String value) {
    return new Labeled(this, Map.of(labelName, value));
  }

  /**
   * A registry and the constant labels an exporter adds to each of its samples: several nodes in
   * one process export their registries together, told apart by a {@code node} label.
   *
   * @param labels label name to value, in the order they are printed
   */
  public record Labeled(MetricRegistry registry, Map<String, String> labels) {
    public Labeled {
      java.util.Objects.requireNonNull(registry, "registry");
      labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
      labels.forEach((k, v) -> {
        checkLabelName(k);
        java.util.Objects.requireNonNull(v, k);
      });
    }
  }

  /** Prometheus label names: {@code [a-zA-Z_][a-zA-Z0-9_]*}, {@code __} prefix reserved, {@code le} is the histograms'. */
  static void checkLabelName(String name) {
    if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.startsWith("__") || name.equals("le")) {
      throw new IllegalArgumentException("bad label name: " + name);
    }
  }

  /** Read-only view by name (for tests and exporters that look one up). */
  public Map<String, Metric> byName() {
    return java.util.Collections.unmodifiableMap(metrics);
  }
}
