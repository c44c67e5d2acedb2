package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.TxnOp;
import java.util.List;
import java.util.function.Function;

/**
 * A Redis command as operations on the store and the reply its results make: run alone (one
 * write, or a transaction of several) or queued in MULTI and run with the others in one EXEC.
 */
public record Plan(List<TxnOp> ops, Function<List<KvResult>, ByteString> reply) {
  public static Plan of(TxnOp op, Function<KvResult, ByteString> reply) {
    return new Plan(List.of(op), results -> reply.apply(results.get(0)));
  }
}
