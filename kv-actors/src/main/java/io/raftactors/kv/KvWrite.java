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
        KvWrite.KeepSession,
        KvWrite.Enqueue,
        KvWrite.FencedPut,
        KvWrite.DeleteIf,
        KvWrite.Eval,
        KvWrite.ScriptLoad,
        KvWrite.ScriptFlush,
        KvWrite.HashSet,
        KvWrite.HashDelete,
        KvWrite.HashIncrement,
        KvWrite.ShiftLeases {

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

  /**
   * Deletes the key only if its value is {@code value} ({@code equal}) or only if it exists with
   * another value (not {@code equal}): the safe release of a Redis-style lock (Valkey DELIFEQ,
   * Redis DELEX IFEQ/IFNE), without a script.
   */
  record DeleteIf(Bytes key, Bytes value, boolean equal) implements KvWrite, TxnOp {}

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

  /**
   * Creates the next entry of the queue under {@code prefix}, ZooKeeper's sequential node: the
   * entry's key is {@code prefix} followed by its create revision in 20 decimal digits, so entries
   * sort in the order they arrived and the revision, which the whole store never reuses, is the
   * entry's fencing token. Lock waiters, semaphore holders and election candidates are such
   * entries ({@code io.raftactors.kv.lock}).
   *
   * @param lease attach the entry to this lease (0: none): ended with it, like an ephemeral node
   * @param ttlMillis the entry expires this long after the write (0: never)
   * @param onlyIfEmpty create it only if no entry is queued under the prefix (a try-lock that does
   *     not wait): otherwise nothing changes and the result holds no entry
   */
  record Enqueue(Bytes prefix, Bytes value, long lease, long ttlMillis, boolean onlyIfEmpty) implements KvWrite {
    /** Digits of the revision in an entry's key. */
    public static final int DIGITS = 20;

    /** The key of the entry with token {@code token} under {@code prefix}. */
    public static Bytes entryKey(Bytes prefix, long token) {
      return prefix.concat(Bytes.of(String.format("%020d", token)));
    }

    /** The token in an entry's key, or -1 when the key is not an entry under {@code prefix}. */
    public static long tokenOf(Bytes prefix, Bytes key) {
      if (key.size() != prefix.size() + DIGITS || !key.startsWith(prefix)) return -1;
      long token = 0;
      byte[] b = key.unsafeArray();
      for (int i = prefix.size(); i < b.length; i++) {
        if (b[i] < '0' || b[i] > '9') return -1;
        token = token * 10 + (b[i] - '0');
      }
      return token;
    }
  }

  /**
   * A fenced write: sets {@code key} to {@code value} only if {@code token} is not older than the
   * newest token used on the key so far, and makes {@code token} the key's newest. A lock holder
   * that paused past its lease (GC, network) and writes with its old token after a newer holder
   * wrote with a newer one is refused ({@code FENCED}), however late its write arrives. Keeps the
   * key's lease and expiry. A key's fence outlives the key: deleting the key does not reset it.
   */
  record FencedPut(Bytes key, Bytes value, long token) implements KvWrite, TxnOp {}

  /**
   * Runs a Lua script atomically on every replica (Redis EVAL, or EVALSHA with {@code bySha}):
   * its {@code redis.call}s see and change the store with nothing in between; if it fails
   * (an error it does not catch, or its limits), none of its changes take effect. The limits travel
   * with the command, so every replica applies the same ones.
   *
   * @param script the script's text (EVAL; it is also remembered for EVALSHA), empty for EVALSHA
   * @param sha the script's SHA-1 (EVALSHA), empty for EVAL
   * @param readOnly EVAL_RO / EVALSHA_RO: a write command in it is an error
   */
  record Eval(Bytes script, String sha, boolean bySha, List<Bytes> keys, List<Bytes> args, long maxInstructions,
      long maxMemoryBytes, boolean readOnly) implements KvWrite {
    public Eval {
      keys = List.copyOf(keys);
      args = List.copyOf(args);
    }
  }

  /** Remembers a script for EVALSHA on every replica (SCRIPT LOAD); the result names its SHA-1. */
  record ScriptLoad(Bytes script) implements KvWrite {}

  /** Forgets every remembered script (SCRIPT FLUSH). */
  record ScriptFlush() implements KvWrite {}

  /**
   * Sets fields of the hash {@code key} (Redis HSET, HMSET; HSETNX with {@code onlyIfAbsent}),
   * creating it if missing and keeping its lease and expiry; refused (WRONG_TYPE) on a string. The
   * result counts the fields added.
   */
  record HashSet(Bytes key, List<Bytes> fieldsAndValues, boolean onlyIfAbsent) implements KvWrite, TxnOp {
    public HashSet {
      fieldsAndValues = List.copyOf(fieldsAndValues);
      if (fieldsAndValues.isEmpty() || fieldsAndValues.size() % 2 != 0) {
        throw new IllegalArgumentException("fields and values come in pairs");
      }
    }
  }

  /** Removes fields of the hash {@code key} (HDEL); the key goes with its last field. Counts those removed. */
  record HashDelete(Bytes key, List<Bytes> fields) implements KvWrite, TxnOp {
    public HashDelete {
      fields = List.copyOf(fields);
    }
  }

  /** Adds {@code delta} to a field of the hash {@code key} read as an integer (HINCRBY). */
  record HashIncrement(Bytes key, Bytes field, long delta) implements KvWrite, TxnOp {}

  /**
   * Moves every lease's expiry later by {@code millis}. A new leader proposes it, before it expires
   * anything, when its wall clock is ahead of the previous leader's by that much (the stamped time
   * of the log then jumps, and would end leases early that their holders renewed in time). Only
   * the clock difference is made up, not the time without a leader: that time passed for the
   * holders too.
   */
  record ShiftLeases(long millis) implements KvWrite {}
}
