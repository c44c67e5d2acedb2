package io.raftactors.raft.node;

import io.raftactors.raft.Membership;
import java.nio.ByteBuffer;

/**
 * The configuration block of a snapshot: the configuration in force at the snapshot's index and
 * the index of the CONFIG entry it came from (0: the initial one), so that a node restored from
 * the snapshot reports the same configuration index as the nodes that still hold that entry.
 */
record SnapshotConfig(long index, Membership membership) {

  static byte[] encode(long index, byte[] membership) {
    return ByteBuffer.allocate(8 + membership.length).putLong(index).put(membership).array();
  }

  /** The block's content, or null for a snapshot without one (an older file). */
  static SnapshotConfig decode(byte[] block) {
    if (block == null) return null;
    if (block.length < 9) throw new IllegalArgumentException("snapshot configuration block of " + block.length + " bytes");
    ByteBuffer b = ByteBuffer.wrap(block);
    long index = b.getLong();
    byte[] m = new byte[b.remaining()];
    b.get(m);
    return new SnapshotConfig(index, Membership.decode(m));
  }
}
