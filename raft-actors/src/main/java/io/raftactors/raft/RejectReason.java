package io.raftactors.raft;

/** Why a proposal was rejected before it was appended: it certainly did not take effect. */
public enum RejectReason {
  /** No leader is known (election in progress, or this node cannot reach a majority). Retry. */
  NO_LEADER,
  /** A memory or back-pressure limit is reached (uncommitted/unapplied bytes, queues). Retry later. */
  OVERLOADED,
  /** The command is larger than {@code raft.limits.max-command-bytes}. Do not retry. */
  TOO_LARGE,
  /** The entry was appended but a different entry was committed at its index. Retry. */
  NOT_COMMITTED
}
