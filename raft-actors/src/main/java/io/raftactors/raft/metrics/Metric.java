package io.raftactors.raft.metrics;

/** A named measurement of a node, with the help text exporters print next to it. */
public abstract sealed class Metric permits Counter, CounterFamily, Gauge, Histogram {
  private final String name;
  private final String help;

  Metric(String name, String help) {
    this.name = name;
    this.help = help;
  }

  /** The metric's name in Prometheus form ({@code [a-z_][a-z0-9_]*}, with its unit as a suffix). */
  public final String name() {
    return name;
  }

  public final String help() {
    return help;
  }
}
