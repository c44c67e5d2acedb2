package io.raftactors.raft;

/** Why a proposal was rejected before it was appended: it certainly did not take effect. */
public enum RejectReason {
  /** No leader is known (election in progress, or this node cannot reach a majority). Retry. */
  NO_LEADER,
  /** A memory or back-pressure limit is reached (uncommitted/unapplied bytes, queues). Retry later. */
  OVERLOADED,
  /** The command is larger than {@code raft.limits.max-command-bytes}. Do not retry. */
  TOO_LARGE,
  /**
   * An administrative request does not fit the cluster as it is (a membership change naming a
   * member that is not there, a learner too far behind to promote, ...). Do not retry unchanged.
   */
  INVALID,
  /**
   * A membership change or leadership transfer is already in progress, or a new leader has not yet
   * committed an entry of its term. Retry shortly.
   */
  BUSY,
  /** The entry was appended but a different entry was committed at its index. Retry. */
  NOT_COMMITTED
}
