package io.raftactors.raft.protocol;

/**
 * One chunk of a snapshot file the leader streams to a follower whose next needed entry it has
 * compacted away (Raft Figure 13, with the file sent by offset). A transfer is identified by the
 * leader's term and the snapshot's (index, term); chunks go in order from offset 0, a bounded
 * number in flight, each acknowledged by an {@link InstallSnapshotResponse}.
 *
 * @param snapshotIndex the last log index the snapshot covers
 * @param snapshotTerm the term of that entry
 * @param offset where {@code data} starts in the snapshot file
 * @param totalBytes the size of the whole snapshot file
 */
public record InstallSnapshot(
    long term,
    String from,
    long snapshotIndex,
    long snapshotTerm,
    long offset,
    long totalBytes,
    byte[] data)
    implements RaftMessage {

  /** Rejects a malformed message before any node sees it. */
  public InstallSnapshot {
    if (snapshotIndex < 1 || snapshotTerm < 1 || snapshotTerm > term || offset < 0 || totalBytes < 1
        || offset + data.length > totalBytes) {
      throw new IllegalArgumentException("malformed InstallSnapshot from " + from + ": snapshot "
          + snapshotIndex + "@" + snapshotTerm + " in term " + term + ", bytes " + offset + "+"
          + data.length + " of " + totalBytes);
    }
  }

  /** Whether this chunk ends the file. */
  public boolean last() {
    return offset + data.length == totalBytes;
  }

  /** Equal messages carry equal bytes (a record compares arrays by identity). */
  @Override
  public boolean equals(Object o) {
    return o instanceof InstallSnapshot m && term == m.term && from.equals(m.from)
        && snapshotIndex == m.snapshotIndex && snapshotTerm == m.snapshotTerm && offset == m.offset
        && totalBytes == m.totalBytes && java.util.Arrays.equals(data, m.data);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(term, from, snapshotIndex, snapshotTerm, offset, totalBytes)
        * 31 + java.util.Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "InstallSnapshot[term=" + term + ", from=" + from + ", snapshot=" + snapshotIndex + "@"
        + snapshotTerm + ", bytes=" + offset + "+" + data.length + "/" + totalBytes + "]";
  }
}
