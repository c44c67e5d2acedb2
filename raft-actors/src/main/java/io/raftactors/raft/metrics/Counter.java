package io.raftactors.raft.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A count that only grows (events, bytes); safe to add to from any thread. */
public final class Counter extends Metric {
  private final LongAdder value = new LongAdder();

  Counter(String name, String help) {
    super(name, help);
  }

  public void increment() {
    value.increment();
  }

  public void add(long n) {
    value.add(n);
  }

  public long get() {
    return value.sum();
  }
}
