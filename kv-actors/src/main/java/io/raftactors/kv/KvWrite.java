package io.raftactors.kv;

import java.util.List;

/**
 * A change to the store: replicated through the Raft log and applied on every replica in log
 * order. Each has a compact binary encoding ({@code state.KvCodec}).
 */
public sealed interface KvWrite
    permits KvWrite.Put,
        KvWrite.Delete,
        KvWrite.DeleteRange,
        KvWrite.Increment,
        KvWrite.Append,
        KvWrite.Txn,
        KvWrite.Batch,
        KvWrite.Touch,
        KvWrite.LeaseGrant,
        KvWrite.LeaseKeepAlive,
        KvWrite.LeaseRevoke,
        KvWrite.ExpireDue,
        KvWrite.OpenSession,
        KvWrite.KeepSession {

  /** Only if the key does not exist (SETNX, Memcached add), only if it does (SET XX), or always. */
  enum Condition {
    ALWAYS,
    IF_ABSENT,
    IF_PRESENT
  }

  /**
   * Sets {@code key} to {@code value}.
   *
   * @param lease attach to this lease (0: none)
   * @param ttlMillis expire this long after the write (0: never), measured on the leader-stamped
   *     clock of the log
   * @param keepTtl keep the key's current expiry (Redis KEEPTTL) instead of clearing it
   * @param returnPrevious include the previous key-value in the result
   */
  record Put(Bytes key, Bytes value, long lease, long ttlMillis, boolean keepTtl, Condition condition,
      boolean returnPrevious) implements KvWrite, TxnOp {
    public static Put of(Bytes key, Bytes value) {
      return new Put(key, value, 0, 0, false, Condition.ALWAYS, false);
    }
  }

  record Delete(Bytes key, boolean returnPrevious) implements KvWrite, TxnOp {}

  /** Deletes every key starting with {@code prefix} (the empty prefix: every key). */
  record DeleteRange(Bytes prefix) implements KvWrite, TxnOp {}

  /**
   * Adds {@code delta} to the key's value read as a signed decimal 64-bit integer (Redis
   * INCRBY): a missing key counts as 0; a value that is not such an integer, or an overflow, is an
   * error and changes nothing. Keeps the key's expiry.
   */
  record Increment(Bytes key, long delta) implements KvWrite, TxnOp {}

  /** Appends {@code suffix} to the key's value (a missing key counts as empty; Redis APPEND). */
  record Append(Bytes key, Bytes suffix) implements KvWrite, TxnOp {}

  /**
   * If every comparison holds, applies {@code success}, else {@code failure}; atomically (etcd
   * Txn). If an operation fails (e.g. an increment of a non-integer), none of them take effect.
   */
  /**
   * Independent writes in one log entry: each is applied as if it had an entry of its own (its own
   * revision, its own result or failure), in order. What a RESP connection's pipelined writes
   * become, so that N of them cost one proposal, one log entry and one answer. Members are
   * {@link TxnOp} writes or transactions; not batches, leases or sessions.
   */
  record Batch(List<KvWrite> writes) implements KvWrite {
    public Batch {
      writes = List.copyOf(writes);
      for (KvWrite w : writes) {
        if (!(w instanceof TxnOp || w instanceof Txn)) throw new IllegalArgumentException("not allowed in a batch: " + w);
      }
    }
  }

  record Txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) implements KvWrite {
    public Txn {
      compares = List.copyOf(compares);
      success = List.copyOf(success);
      failure = List.copyOf(failure);
    }
  }

  /** Sets (ttlMillis > 0) or clears (0) the key's expiry (EXPIRE / PERSIST / Memcached touch). */
  record Touch(Bytes key, long ttlMillis) implements KvWrite, TxnOp {}

  /** Grants a lease of {@code ttlMillis}; its id is the log index of this command. */
  record LeaseGrant(long ttlMillis) implements KvWrite {}

  /** Extends the lease to a full TTL from now. */
  record LeaseKeepAlive(long lease) implements KvWrite {}

  /** Ends the lease and deletes its keys. */
  record LeaseRevoke(long lease) implements KvWrite {}

  /**
   * Deletes keys whose TTL passed, ends leases whose TTL passed (deleting their keys) and client
   * sessions idle past their TTL, all as of the leader-stamped time of this entry. Proposed by
   * the leader when something is due; the same on every replica.
   */
  record ExpireDue() implements KvWrite {}

  /** Opens a client session (exactly-once writes); its id is the log index of this command. */
  record OpenSession(long ttlMillis) implements KvWrite {}

  /** Keeps the writing session alive (the session header says which). */
  record KeepSession() implements KvWrite {}
}
