package io.raftactors.raft;

/**
 * The replicated state machine a Raft group drives (SPI).
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #apply} is called once for every committed command, in log order, with no gaps,
 *       exactly once per incarnation of the node (a restarted node starts from a fresh instance
 *       and re-applies from the beginning of its log).
 *   <li>It must be deterministic: the same commands in the same order give the same state and
 *       results on every replica. Use {@link CommittedCommand#timestamp()} for time, never the
 *       local clock, randomness or I/O whose outcome differs between replicas.
 *   <li>Calls come from one actor at a time (never concurrently), off the Raft actor.
 *   <li>A command that is invalid for the state machine is not an exception: encode the error in
 *       the returned bytes. A thrown exception means the replica can no longer follow the log; the
 *       node stops loudly rather than skip an entry.
 * </ul>
 */
public interface StateMachine {
  /**
   * Applies a committed command and returns the result that is sent back to the proposer (only
   * the node that proposed it sends it; all replicas compute it).
   */
  byte[] apply(CommittedCommand command);

  /**
   * Called after the {@link #apply} calls of one run of committed entries (the applier applies up
   * to {@code raft.applier.max-batch} entries at a time), on the same thread: for work a state
   * machine can do once per batch instead of once per entry, such as publishing change
   * notifications. The default does nothing; a state machine that wraps another must forward it.
   */
  default void batchApplied() {}

  /**
   * Answers a query against the current state, without changing it. Called between applies, on
   * the same actor, at an applied index that satisfies the read's consistency. Queries are local
   * objects: they never cross the network.
   *
   * @throws UnsupportedOperationException if the state machine answers no queries (the default)
   */
  default Object read(Object query) {
    throw new UnsupportedOperationException(getClass().getName() + " answers no queries");
  }

  /**
   * Starts a snapshot of the state as it is now, after the last applied command. Called between
   * applies; the snapshot is then written out in parts ({@link Snapshot#writeNext}), also between
   * applies, while commands keep being applied: it must keep showing the state of this moment
   * (copy-on-write, or MVCC as the KV store does), so that a big snapshot never stops the node.
   * Starting a new snapshot abandons an unfinished one.
   *
   * @return null if this state machine takes no snapshots (the default)
   */
  default Snapshot snapshot() {
    return null;
  }

  /**
   * Replaces the whole state with one a {@link Snapshot} wrote (the concatenation of its parts).
   * Called before any apply of the incarnation, or between applies when a leader sends one. All
   * or nothing: if it throws, the state is as before.
   */
  default void restore(java.io.InputStream in) throws java.io.IOException {
    throw new UnsupportedOperationException(getClass().getName() + " takes no snapshots");
  }

  /** A point-in-time view of a state machine's state, written out in parts. */
  interface Snapshot {
    /**
     * Writes the next part of the snapshot, about {@code maxBytes} (a single item may exceed it),
     * to {@code out}. Called between applies, on the applier's thread.
     *
     * @return true while there is more to write; false once the end has been written
     * @throws IllegalStateException if the snapshot was abandoned ({@link #close}, a newer
     *     snapshot, a restore) before its end was written: what was written is not a snapshot
     */
    boolean writeNext(java.io.OutputStream out, int maxBytes) throws java.io.IOException;

    /** Ends the snapshot early (or after the last part): releases what it holds. */
    default void close() {}
  }
}
