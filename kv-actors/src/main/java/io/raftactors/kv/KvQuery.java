package io.raftactors.kv;

/** A read of the store; never goes through the log (see {@code ReadConsistency}). */
public sealed interface KvQuery permits KvQuery.Get, KvQuery.Range, KvQuery.Ttl, KvQuery.Count, KvQuery.NextExpiry {

  record Get(Bytes key) implements KvQuery, TxnOp {}

  /** Keys starting with {@code prefix}, in key order, at most {@code limit} (0: no limit). */
  record Range(Bytes prefix, int limit) implements KvQuery, TxnOp {}

  /** The key's remaining time to live. */
  record Ttl(Bytes key) implements KvQuery {}

  /** The number of keys. */
  record Count() implements KvQuery {}

  /** The earliest expiry (key, lease or session) in the store, for the leader's expiry driver. */
  record NextExpiry() implements KvQuery {}
}
