package io.raftactors.raft;

/**
 * Published on the actor system's event stream when a node's role, term or known leader changes.
 * Meant for monitoring (dashboards, metrics, test observers); rare, never on the hot path.
 */
public sealed interface RaftEvent permits RaftEvent.RoleChanged, RaftEvent.LeaderClock, RaftEvent.MembershipChanged {

  /** Node {@code nodeId} is now {@code role} in {@code term}, following {@code leaderId} (or null). */
  record RoleChanged(String nodeId, Role role, long term, String leaderId) implements RaftEvent {}

  /**
   * Node {@code nodeId} became leader of {@code term}; its wall clock is about {@code aheadMillis}
   * ahead of the previous leader's (the least difference, over the entries of that leader that
   * arrived in its last second or two of following it, between its clock when an entry arrived and
   * the entry's timestamp: the clocks' difference plus the quickest delivery; 0 when it did not
   * follow the previous leader). The timestamps of the log
   * jump by about that much with this leader; a state machine that measures time on them can
   * make up for it (the KV store shifts its leases).
   */
  record LeaderClock(String nodeId, long term, long aheadMillis) implements RaftEvent {}

  /**
   * The configuration in force at node {@code nodeId} is now {@code membership}, from the CONFIG
   * entry at {@code index} of its log (0: the initial configuration); it may still be undone if
   * that entry is not committed.
   */
  record MembershipChanged(String nodeId, long index, Membership membership) implements RaftEvent {}
}
