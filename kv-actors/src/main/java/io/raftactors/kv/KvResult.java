package io.raftactors.kv;

import java.util.List;

/** The outcome of a {@link KvWrite} or {@link KvQuery}, or of an operation inside a transaction. */
public sealed interface KvResult
    permits KvResult.PutResult,
        KvResult.DeleteResult,
        KvResult.IncrementResult,
        KvResult.GetResult,
        KvResult.GetManyResult,
        KvResult.AppendResult,
        KvResult.RangeResult,
        KvResult.TxnResult,
        KvResult.BatchResult,
        KvResult.TouchResult,
        KvResult.TtlResult,
        KvResult.CountResult,
        KvResult.LeaseResult,
        KvResult.SessionResult,
        KvResult.EnqueueResult,
        KvResult.EvalResult,
        KvResult.NumberResult,
        KvResult.ScriptResult,
        KvResult.ScriptExistsResult,
        KvResult.Done,
        KvResult.Failure {

  /** @param applied false when the put's condition (if absent / if present) did not hold */
  record PutResult(long revision, boolean applied, KeyValue previous) implements KvResult {}

  record DeleteResult(long revision, long deleted, KeyValue previous) implements KvResult {}

  record IncrementResult(long revision, long value) implements KvResult {}

  /** @param kv null when the key does not exist */
  record GetResult(long revision, KeyValue kv) implements KvResult {}

  /** The value-or-null of each key asked for, in the order asked. */
  record GetManyResult(long revision, java.util.List<KeyValue> kvs) implements KvResult {}

  /** The value after an append. */
  record AppendResult(long revision, long length) implements KvResult {}

  /** @param more true when the limit cut the range short */
  record RangeResult(long revision, List<KeyValue> kvs, boolean more) implements KvResult {}

  /** @param results one per operation of the branch taken */
  record TxnResult(long revision, boolean succeeded, List<KvResult> results) implements KvResult {}

  /** The result of each write of a {@link KvWrite.Batch}, in order (a failure affects only its own). */
  record BatchResult(List<KvResult> results) implements KvResult {}

  /**
   * @param found false when the key does not exist
   * @param previousExpiresAt the key's expiry before the touch (0: none)
   */
  record TouchResult(long revision, boolean found, long previousExpiresAt) implements KvResult {}

  /**
   * @param exists whether the key exists
   * @param expiresAt epoch millis of expiry (leader-stamped clock), 0 for never
   */
  record TtlResult(boolean exists, long expiresAt) implements KvResult {}

  record CountResult(long revision, long keys) implements KvResult {}

  /**
   * A lease granted, kept alive or revoked.
   *
   * @param expiresAt 0 after a revoke
   * @param deleted keys deleted by a revoke
   */
  record LeaseResult(long revision, long lease, long ttlMillis, long expiresAt, long deleted)
      implements KvResult {}

  record SessionResult(long session, long ttlMillis) implements KvResult {}

  /**
   * An {@link KvWrite.Enqueue}'s outcome.
   *
   * @param entry the entry created (its create revision is its token), or null when {@code
   *     onlyIfEmpty} found others queued
   * @param predecessor the entry queued right before it (or before where it would have gone), null
   *     if none: the one a lock waiter waits for
   * @param ahead how many entries are queued before it
   */
  record EnqueueResult(long revision, KeyValue entry, KeyValue predecessor, long ahead) implements KvResult {
    /** The entry's fencing token (its create revision), or 0 when none was created. */
    public long token() {
      return entry == null ? 0 : entry.createRevision();
    }
  }

  /**
   * A script's reply, as Redis encodes it (RESP2).
   *
   * @param rolledBack the script failed (an error it did not catch, or a limit) and nothing it did
   *     took effect; a script that returns an error reply itself ({@code redis.error_reply}) did
   *     not fail: its writes stand
   */
  record EvalResult(long revision, byte[] reply, boolean rolledBack) implements KvResult {
    /** Whether the reply is an error reply (see {@link #rolledBack} for whether writes stand). */
    public boolean failed() {
      return reply.length > 0 && reply[0] == '-';
    }

    /** The error reply's text, or null when the reply is not an error. */
    public String error() {
      return failed() ? new String(reply, 1, reply.length - 3, java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    /**
     * The reply as Java values: Long (integer), byte[] (bulk string), String (status), List (array),
     * null (nil); an error reply throws {@link IllegalStateException}.
     */
    public Object value() {
      return ScriptReplies.decode(reply);
    }
  }

  /** A count a write reports (hash fields added or removed). */
  record NumberResult(long revision, long number) implements KvResult {}

  /** A script remembered under its SHA-1. */
  record ScriptResult(String sha) implements KvResult {}

  /** Whether each SHA-1 asked about names a remembered script. */
  record ScriptExistsResult(List<Boolean> exists) implements KvResult {}

  /** A write with nothing else to report (expiry, session keep-alive). */
  record Done(long revision) implements KvResult {}

  /** The operation was refused by the state machine and changed nothing. */
  record Failure(Code code, String message) implements KvResult {
    public enum Code {
      /** INCR/DECR on a value that is not a decimal 64-bit integer. */
      NOT_INTEGER,
      /** INCR/DECR would overflow 64 bits. */
      OVERFLOW,
      LEASE_NOT_FOUND,
      /** The client session is unknown or expired; the write was not applied. */
      SESSION_EXPIRED,
      /** A malformed or impossible request. */
      INVALID,
      /** A fenced write whose token is older than the newest used on the key. */
      FENCED,
      /** A string operation on a hash, or a hash operation on a string. */
      WRONG_TYPE
    }
  }
}
