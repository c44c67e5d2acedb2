package io.raftactors.kv;

/**
 * A key with its value and MVCC metadata, as etcd keeps them.
 *
 * @param createRevision the store revision at which the key was created (since it last did not
 *     exist)
 * @param modRevision the store revision of its last change
 * @param version how many times it was written since created (1 after creation)
 * @param lease the lease it is attached to, or 0
 * @param expiresAt epoch millis (leader-stamped time) at which it expires, or 0 for never
 */
public record KeyValue(
    Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease, long expiresAt) {}
