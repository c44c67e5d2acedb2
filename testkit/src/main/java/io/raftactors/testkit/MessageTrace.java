package io.raftactors.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * The last events of a test cluster (messages cut, lost, delivered; role changes; faults), so that
 * a failing scenario can print what happened just before it failed. Bounded ring; thread-safe;
 * events are rendered to text only when printed.
 */
public final class MessageTrace {
  private record Event(long nanos, String what, Object detail) {}

  private final long startNanos = System.nanoTime();
  private final Event[] ring;
  private long next;

  MessageTrace(int capacity) {
    this.ring = new Event[capacity];
  }

  void add(String what) {
    add(what, null);
  }

  /** Records an event; {@code detail} is rendered with toString only when the trace is printed. */
  void add(String what, Object detail) {
    Event e = new Event(System.nanoTime(), what, detail);
    synchronized (ring) {
      ring[(int) (next++ % ring.length)] = e;
    }
  }

  /** The recorded events, oldest first. */
  public List<String> lines() {
    List<Event> events = new ArrayList<>(ring.length);
    synchronized (ring) {
      long first = Math.max(0, next - ring.length);
      for (long i = first; i < next; i++) events.add(ring[(int) (i % ring.length)]);
    }
    List<String> out = new ArrayList<>(events.size());
    for (Event e : events) {
      out.add(String.format("%9.1fms %s%s", (e.nanos() - startNanos) / 1e6, e.what(),
          e.detail() == null ? "" : " " + e.detail()));
    }
    return out;
  }

  @Override
  public String toString() {
    return String.join("\n", lines());
  }
}
