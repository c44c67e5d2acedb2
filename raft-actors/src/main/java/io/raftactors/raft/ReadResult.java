package io.raftactors.raft;

/** The answer to a {@link Read}. */
public sealed interface ReadResult permits ReadResult.Ok, ReadResult.Failed {

  /**
   * @param value what {@link StateMachine#read} returned
   * @param appliedIndex the state machine had applied up to this index when it answered
   * @param millisSinceLeaderContact for a follower: how long since it last heard from the leader
   *     (a bound on how stale a STALE read can be); 0 on the leader
   */
  record Ok(Object value, long appliedIndex, long millisSinceLeaderContact) implements ReadResult {}

  /** The read was not served; it had no effect, so retrying is always safe. */
  record Failed(Reason reason, String message, String leaderHint) implements ReadResult {}

  enum Reason {
    /** No leader is known, or this node stopped leading while the read waited. */
    NO_LEADER,
    /** Leadership could not be confirmed in time (e.g. the leader is cut off from a majority). */
    TIMEOUT,
    /** The state machine does not answer queries, or rejected this one. */
    UNSUPPORTED
  }
}
