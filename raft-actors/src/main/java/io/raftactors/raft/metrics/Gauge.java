package io.raftactors.raft.metrics;

import java.util.concurrent.atomic.AtomicLong;

/** A value that goes up and down (a term, a lag); the last value set wins. */
public final class Gauge extends Metric {
  private final AtomicLong value = new AtomicLong();

  Gauge(String name, String help) {
    super(name, help);
  }

  public void set(long v) {
    value.set(v);
  }

  public long get() {
    return value.get();
  }
}
