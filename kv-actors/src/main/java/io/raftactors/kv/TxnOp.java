package io.raftactors.kv;

/** An operation inside a transaction ({@link KvWrite.Txn}). */
public sealed interface TxnOp
    permits KvWrite.Put, KvWrite.Delete, KvWrite.DeleteRange, KvWrite.Increment, KvWrite.Append, KvWrite.Touch, KvWrite.FencedPut,
        KvWrite.DeleteIf, KvWrite.HashSet, KvWrite.HashDelete, KvWrite.HashIncrement,
        KvQuery.Get, KvQuery.Range {}
