package io.raftactors.raft;

/**
 * Published on the actor system's event stream when a node's role, term or known leader changes.
 * Meant for monitoring (dashboards, metrics, test observers); rare, never on the hot path.
 */
public sealed interface RaftEvent permits RaftEvent.RoleChanged {

  /** Node {@code nodeId} is now {@code role} in {@code term}, following {@code leaderId} (or null). */
  record RoleChanged(String nodeId, Role role, long term, String leaderId) implements RaftEvent {}
}
