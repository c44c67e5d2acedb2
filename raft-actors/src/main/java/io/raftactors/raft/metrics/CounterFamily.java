package io.raftactors.raft.metrics;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counters of one name told apart by the value of one label ({@code raft_messages_sent_total{peer="n2"}}).
 * A child counter is created the first time its value is used and kept for good, so callers must
 * only pass values from a bounded set (member ids, known command names), never what a client sent.
 * Finding an existing child is one {@link ConcurrentHashMap} read: no lock, no allocation; hot paths
 * that always count the same value keep the child {@link Counter} instead.
 */
public final class CounterFamily extends Metric {
  private final String labelName;
  private final ConcurrentMap<String, Counter> children = new ConcurrentHashMap<>();

  CounterFamily(String name, String help, String labelName) {
    super(name, help);
    this.labelName = labelName;
  }

  /** The label that tells the children apart. */
  public String labelName() {
    return labelName;
  }

  /** The child counter for {@code value}, created on first use. */
  public Counter labels(String value) {
    Counter c = children.get(Objects.requireNonNull(value, "label value"));
    return c != null ? c : children.computeIfAbsent(value, v -> new Counter(name(), help()));
  }

  /** A copy of every child's count, by label value. */
  public SortedMap<String, Long> values() {
    SortedMap<String, Long> out = new TreeMap<>();
    children.forEach((v, c) -> out.put(v, c.get()));
    return out;
  }
}
