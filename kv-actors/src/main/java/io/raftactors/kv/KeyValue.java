package io.raftactors.kv;

/**
 * A key with its value and MVCC metadata, as etcd keeps them, and its Redis type.
 *
 * @param createRevision the store revision at which the key was created (since it last did not
 *     exist)
 * @param modRevision the store revision of its last change
 * @param version how many times it was written since created (1 after creation)
 * @param lease the lease it is attached to, or 0
 * @param expiresAt epoch millis (leader-stamped time) at which it expires, or 0 for never
 * @param type a string, or a hash whose fields are encoded in {@code value} ({@link HashValue})
 */
public record KeyValue(
    Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease, long expiresAt,
    Type type) {
  /** Redis's types that the store holds. */
  public enum Type {
    STRING,
    HASH
  }

  public KeyValue {
    if (type == null) throw new IllegalArgumentException("a key-value has a type");
  }

  /** A string key-value. */
  public KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version, long lease,
      long expiresAt) {
    this(key, value, createRevision, modRevision, version, lease, expiresAt, Type.STRING);
  }

  public boolean isHash() {
    return type == Type.HASH;
  }
}
