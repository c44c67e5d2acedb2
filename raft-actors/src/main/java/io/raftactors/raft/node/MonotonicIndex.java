package io.raftactors.raft.node;

/**
 * A log index that can only grow (commit index, applied index): moving it backwards is a bug
 * that would break Raft's guarantees, so it throws instead.
 */
final class MonotonicIndex {
  private final String name;
  private long value;

  MonotonicIndex(String name) {
    this.name = name;
  }

  long get() {
    return value;
  }

  /** Moves to {@code next}, which must not be lower; returns whether it moved. */
  boolean advanceTo(long next) {
    if (next < value) {
      throw new IllegalStateException(name + " cannot move backwards: " + value + " -> " + next);
    }
    boolean moved = next > value;
    value = next;
    return moved;
  }

  @Override
  public String toString() {
    return name + "=" + value;
  }
}
