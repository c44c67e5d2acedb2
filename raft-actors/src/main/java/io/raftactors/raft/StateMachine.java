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
   * Answers a query against the current state, without changing it. Called between applies, on
   * the same actor, at an applied index that satisfies the read's consistency. Queries are local
   * objects: they never cross the network.
   *
   * @throws UnsupportedOperationException if the state machine answers no queries (the default)
   */
  default Object read(Object query) {
    throw new UnsupportedOperationException(getClass().getName() + " answers no queries");
  }
}
