package io.raftactors.raft;

import java.util.Arrays;

/**
 * The answer to a {@link Propose}. Exactly one of:
 *
 * <ul>
 *   <li>{@link Applied}: committed and applied; carries the state machine's result;
 *   <li>{@link Rejected}: the command certainly did not take effect; safe to retry;
 *   <li>{@link Unknown}: the command was appended and may or may not commit (leadership lost after
 *       appending, or the caller's timeout); retrying may apply it twice unless the command is
 *       idempotent or deduplicated by the state machine.
 * </ul>
 */
public sealed interface ProposeResult extends RaftSerializable
    permits ProposeResult.Applied, ProposeResult.Rejected, ProposeResult.Unknown {

  /** The command was committed at {@code index} in {@code term} and applied with this result. */
  record Applied(long index, long term, byte[] result) implements ProposeResult {
    @Override
    public boolean equals(Object o) {
      return o instanceof Applied a
          && a.index == index
          && a.term == term
          && Arrays.equals(a.result, result);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(index) * 31 + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
      return "Applied[index=" + index + ", term=" + term + ", result=" + result.length + " bytes]";
    }
  }

  /**
   * The command definitely did not take effect.
   *
   * @param leaderHint the node id of the leader if known, else null
   */
  record Rejected(RejectReason reason, String message, String leaderHint)
      implements ProposeResult {}

  /** The outcome is unknown: the command may or may not have been (or yet be) applied. */
  record Unknown(String message) implements ProposeResult {}
}
