package io.raftactors.raft.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), of one or more registries.
 * Several Raft nodes may run in one process, each with its own registry: they are exported
 * together, each sample carrying its registry's constant labels ({@code node="n1"}), and the
 * samples of one metric name grouped under one {@code # HELP}/{@code # TYPE} pair, as the format
 * requires.
 */
public final class PrometheusText {
  /** The {@code Content-Type} of what {@link #render} returns. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  /** One registry without constant labels. */
  public static String render(MetricRegistry registry) {
    return render(List.of(new MetricRegistry.Labeled(registry, Map.of())));
  }

  /**
   * Renders the metrics of {@code registries} as one exposition.
   *
   * <p>Metrics come in the order their names were first met (registries in list order, each in
   * registration order). Each name gets one {@code # HELP} line (the first registry's text) and
   * one {@code # TYPE} line, followed by the samples of every registry that has it, each with that
   * registry's constant labels first. Counters and gauges are one sample per registry (a
   * {@link CounterFamily} one per label value, in label-value order); a histogram is its
   * cumulative {@code _bucket} samples with {@code le} bounds in the exported unit up to
   * {@code le="+Inf"}, then {@code _sum} (exported unit) and {@code _count}. Label values and help
   * texts are escaped as the format says (backslash, double quote in label values, line feed).
   *
   * @param registries what to export; the registries of one exposition should be told apart by
   *     their constant labels (the format forbids two samples with the same name and labels)
   * @return the exposition, lines ending in {@code \n}; empty when no registry has a metric
   * @throws IllegalArgumentException when a name is a counter in one registry and, say, a gauge in
   *     another, or a constant label clashes with a family's label
   */
  public static String render(List<MetricRegistry.Labeled> registries) {
    Map<String, List<Sourced>> byName = new LinkedHashMap<>();
    for (MetricRegistry.Labeled r : registries) {
      for (Metric m : r.registry().all()) {
        byName.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(new Sourced(m, r.labels()));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<Sourced> metrics : byName.values()) {
      Metric first = metrics.get(0).metric();
      sb.append("# HELP ").append(first.name()).append(' ').append(escapeHelp(first.help())).append('\n');
      sb.append("# TYPE ").append(first.name()).append(' ').append(type(first)).append('\n');
      for (Sourced s : metrics) {
        if (s.metric().getClass() != first.getClass()) {
          throw new IllegalArgumentException(first.name() + " is a " + type(first) + " and a " + type(s.metric()));
        }
        samples(sb, s.metric(), s.labels());
      }
    }
    return sb.toString();
  }

  private record Sourced(Metric metric, Map<String, String> labels) {}

  private static String type(Metric m) {
    if (m instanceof Gauge) return "gauge";
    if (m instanceof Histogram) return "histogram";
    return "counter"; // Counter, CounterFamily
  }

  private static void samples(StringBuilder sb, Metric m, Map<String, String> labels) {
    if (m instanceof Counter c) {
      sample(sb, m.name(), labels, null, null, Long.toString(c.get()));
    } else if (m instanceof Gauge g) {
      sample(sb, m.name(), labels, null, null, Long.toString(g.get()));
    } else if (m instanceof CounterFamily f) {
      if (labels.containsKey(f.labelName())) {
        throw new IllegalArgumentException(m.name() + ": constant label " + f.labelName() + " clashes with its own");
      }
      f.values().forEach((value, count) -> sample(sb, m.name(), labels, f.labelName(), value, Long.toString(count)));
    } else if (m instanceof Histogram h) {
      histogram(sb, m.name(), labels, h.snapshot());
    }
  }

  private static void histogram(StringBuilder sb, String name, Map<String, String> labels, Histogram.Snapshot s) {
    String bucket = name + "_bucket";
    long cumulative = 0;
    for (int i = 0; i < s.bounds().length; i++) {
      cumulative += s.counts()[i];
      sample(sb, bucket, labels, "le", Histogram.exported(s.bounds()[i], s.scale()), Long.toString(cumulative));
    }
    cumulative += s.counts()[s.bounds().length];
    sample(sb, bucket, labels, "le", "+Inf", Long.toString(cumulative));
    sample(sb, name + "_sum", labels, null, null, Histogram.exported(s.sum(), s.scale()));
    sample(sb, name + "_count", labels, null, null, Long.toString(cumulative));
  }

  /** {@code name{constant labels,extra="value"} sample}; no braces without labels. */
  private static void sample(StringBuilder sb, String name, Map<String, String> labels, String extraName,
      String extraValue, String value) {
    sb.append(name);
    if (!labels.isEmpty() || extraName != null) {
      sb.append('{');
      boolean comma = false;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        if (comma) sb.append(',');
        label(sb, l.getKey(), l.getValue());
        comma = true;
      }
      if (extraName != null) {
        if (comma) sb.append(',');
        label(sb, extraName, extraValue);
      }
      sb.append('}');
    }
    sb.append(' ').append(value).append('\n');
  }

  private static void label(StringBuilder sb, String name, String value) {
    sb.append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }

  /** HELP text escapes backslash and line feed only (a double quote stays as it is). */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
