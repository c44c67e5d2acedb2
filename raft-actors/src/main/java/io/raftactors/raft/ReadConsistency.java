package io.raftactors.raft;

/**
 * How fresh a {@link Read} must be. Reads never go through the log.
 *
 * <ul>
 *   <li>{@link #LINEARIZABLE}: reflects every write completed before the read started (ReadIndex,
 *       Raft dissertation 6.4): the leader confirms with a round of heartbeats that it still leads
 *       and the read is served at its commit index; a follower asks the leader for that index and
 *       serves the read itself once it has applied up to it.
 *   <li>{@link #LEASE}: as linearizable, but the leader skips the heartbeat round while it holds a
 *       lease: a majority acknowledged it within {@code election-timeout-min × (1 -
 *       raft.read.lease-clock-drift)}, and with check-quorum no other leader can be elected before
 *       that ends. Assumes clocks run at the same rate within that drift ratio; needs
 *       check-quorum.
 *   <li>{@link #STALE}: any replica answers from its own state at once; it may lag (the answer
 *       says how far).
 * </ul>
 */
public enum ReadConsistency {
  LINEARIZABLE,
  LEASE,
  STALE
}
