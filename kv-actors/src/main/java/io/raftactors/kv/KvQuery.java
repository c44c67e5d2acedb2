package io.raftactors.kv;

/** A read of the store; never goes through the log (see {@code ReadConsistency}). */
public sealed interface KvQuery
    permits KvQuery.Get, KvQuery.GetMany, KvQuery.Range, KvQuery.Scan, KvQuery.Ttl, KvQuery.Count,
        KvQuery.NextExpiry, KvQuery.ScriptExists {

  record Get(Bytes key) implements KvQuery, TxnOp {}

  /** Several keys read at one point in the log (Redis MGET): a {@code RangeResult} in key order given. */
  record GetMany(java.util.List<Bytes> keys) implements KvQuery {
    public GetMany {
      keys = java.util.List.copyOf(keys);
    }
  }

  /** Keys starting with {@code prefix}, in key order, at most {@code limit} (0: no limit). */
  record Range(Bytes prefix, int limit) implements KvQuery, TxnOp {}

  /**
   * Up to {@code limit} keys after {@code after} (exclusive; empty: from the start) that start
   * with {@code prefix}, in key order: a cursor over the whole key space (Redis SCAN). A {@code
   * RangeResult}; {@code more} tells whether keys remain.
   */
  record Scan(Bytes after, Bytes prefix, int limit) implements KvQuery {}

  /** The key's remaining time to live. */
  record Ttl(Bytes key) implements KvQuery {}

  /** The number of keys. */
  record Count() implements KvQuery {}

  /** The earliest expiry (key, lease or session) in the store, for the leader's expiry driver. */
  record NextExpiry() implements KvQuery {}

  /** Which of these SHA-1s name a remembered script (SCRIPT EXISTS). */
  record ScriptExists(java.util.List<String> shas) implements KvQuery {
    public ScriptExists {
      shas = java.util.List.copyOf(shas);
    }
  }
}
