package io.raftactors.raft;

/** The answer to a {@link TransferLeadership}. */
public sealed interface TransferResult extends RaftSerializable
    permits TransferResult.Transferred, TransferResult.NotTransferred {

  /**
   * The old leader saw term {@code term} begin (usually the target's campaign; possibly another
   * voter's): it no longer leads. {@code leaderId} is the new leader if the old one already knew
   * it (usually not: it steps down on the candidate's vote request), else null. A leader that was
   * removed from the configuration hears of no later term: it answers with its own term and the
   * voter it told to take over, once it has told it.
   */
  record Transferred(long term, String leaderId) implements TransferResult {}

  /** Leadership did not move; {@code message} says why (retry if {@code reason} allows). */
  record NotTransferred(RejectReason reason, String message, String leaderHint) implements TransferResult {}
}
