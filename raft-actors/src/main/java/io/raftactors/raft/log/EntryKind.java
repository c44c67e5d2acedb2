package io.raftactors.raft.log;

/** What a log entry carries. */
public enum EntryKind {
  /** Appended by a new leader at the start of its term (Raft 5.4.2 / dissertation 6.4); not applied. */
  NOOP,
  /** A client command for the state machine. */
  COMMAND
}
