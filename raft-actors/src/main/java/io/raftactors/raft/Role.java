package io.raftactors.raft;

/** The Raft role a node is in. */
public enum Role {
  /** Recovering its durable state from the journal; not yet taking part. */
  RECOVERING,
  /** Following a leader (or waiting to hear from one). */
  FOLLOWER,
  /** Asking for pre-votes (dissertation 9.6) without raising its term. */
  PRE_CANDIDATE,
  /** Campaigning in a new term. */
  CANDIDATE,
  /** Leading its term. */
  LEADER;

  /** The role as an external tool names it ({@code leader|follower|candidate}). */
  public String externalName() {
    return switch (this) {
      case LEADER -> "leader";
      case CANDIDATE, PRE_CANDIDATE -> "candidate";
      case FOLLOWER, RECOVERING -> "follower";
    };
  }
}
