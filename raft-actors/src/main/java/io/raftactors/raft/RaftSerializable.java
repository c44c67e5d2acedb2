package io.raftactors.raft;

/**
 * Marker for every message that may cross a JVM boundary. Bound to Akka's {@code jackson-cbor}
 * serializer in this module's {@code reference.conf}; only classes carrying this marker are
 * accepted by that serializer (Akka's allow-list), and Java serialization stays off.
 */
public interface RaftSerializable {}
