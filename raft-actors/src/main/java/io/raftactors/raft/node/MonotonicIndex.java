package io.raftactors.raft.node;

/**
 * A log index that can only grow (commit index, applied index): moving it backwards is a bug
 * that would break Raft's guarantees, so it throws instead.
 */
final class MonotonicIndex {
  private final String name;
  /** Called after each move (keeps a metric current); null: none. */
  private final Runnable onMove;
  private long value;

  MonotonicIndex(String name) {
    this(name, null);
  }

  MonotonicIndex(String name, Runnable onMove) {
    this.name = name;
    this.onMove = onMove;
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
    if (moved && onMove != null) onMove.run();
    return moved;
  }

  @Override
  public String toString() {
    return name + "=" + value;
  }
}
