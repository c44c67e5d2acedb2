package io.raftactors.raft.protocol;

/**
 * A follower's answer to an {@link InstallSnapshot} chunk.
 *
 * @param snapshotIndex the snapshot the answer is about
 * @param nextOffset the offset the follower expects next (everything before it is written)
 */
public record InstallSnapshotResponse(
    long term, String from, long snapshotIndex, long snapshotTerm, long nextOffset, Status status)
    implements RaftMessage {

  /** What became of the chunk. */
  public enum Status {
    /** Written; send on from {@code nextOffset}. */
    ACCEPTED,
    /**
     * Not the offset the follower expects (lost, duplicated or reordered chunks, or a follower
     * that restarted): send again from {@code nextOffset}.
     */
    RESEND,
    /**
     * The follower holds everything up to {@code snapshotIndex}: the snapshot is installed (or it
     * already had that much); replicate the log from there.
     */
    INSTALLED,
    /** The follower could not store or restore the snapshot; the leader tries again later. */
    FAILED
  }

  public InstallSnapshotResponse {
    if (nextOffset < 0 || status == null) {
      throw new IllegalArgumentException("malformed InstallSnapshotResponse from " + from);
    }
  }
}
