package io.raftactors.raft.log;

/** What a log entry carries. Stored by ordinal: add kinds only at the end. */
public enum EntryKind {
  /** Appended by a new leader at the start of its term (Raft 5.4.2 / dissertation 6.4); not applied. */
  NOOP,
  /** A client command for the state machine. */
  COMMAND,
  /**
   * A cluster configuration ({@link io.raftactors.raft.Membership#encode}): in force on a node
   * from the moment it is in its log (dissertation 4.1); never handed to the state machine.
   */
  CONFIG
}
