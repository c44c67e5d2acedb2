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

  /** Read-only view by name (for tests and exporters that look one up). */
  public Map<String, Metric> byName() {
    return java.util.Collections.unmodifiableMap(metrics);
  }
}
