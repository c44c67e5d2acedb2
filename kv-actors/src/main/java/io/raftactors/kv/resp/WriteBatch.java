package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Consecutive writes of one connection waiting to be proposed together: N pipelined writes become
 * one {@link KvWrite.Batch}, so they cost one proposal, one forwarded message from a follower,
 * one log entry and one answer, while each still gets its own result (and its own error). The
 * session flushes the batch before any other command, at the end of every read from the socket,
 * and when it is full; at most half the pipeline depth waits, so the connection's stream always
 * has room to bring the command that flushes it.
 */
final class WriteBatch {
  /** Bytes of keys and values in one batch; well below a Raft entry's limit (128 KiB by default). */
  static final int MAX_BYTES = 64 * 1024;

  private record Pending(Plan plan, KvWrite write, CompletableFuture<ByteString> reply) {}

  private final int maxWrites;
  private List<Pending> pending = new ArrayList<>();
  private int bytes;

  WriteBatch(int pipelineDepth) {
    this.maxWrites = Math.max(1, Math.min(64, pipelineDepth / 2));
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Whether {@code write} may join the pending writes (else flush them first). */
  boolean fits(KvWrite write) {
    return pending.isEmpty()
        || (batchable(write) && pending.size() < maxWrites && bytes + size(write) <= MAX_BYTES);
  }

  /** Whether the pending writes must go now. */
  boolean full() {
    return pending.size() >= maxWrites || bytes >= MAX_BYTES
        || (!pending.isEmpty() && !batchable(pending.get(pending.size() - 1).write()));
  }

  /** Adds a write; its reply completes once the batch it goes out with is answered. */
  CompletableFuture<ByteString> add(Plan plan, KvWrite write) {
    CompletableFuture<ByteString> reply = new CompletableFuture<>();
    pending.add(new Pending(plan, write, reply));
    bytes += size(write);
    return reply;
  }

  /** Takes the pending writes out; the returned unit proposes them when run. */
  Unit take() {
    List<Pending> taken = pending;
    pending = new ArrayList<>();
    bytes = 0;
    return new Unit(taken);
  }

  /** Writes taken out of the batch, proposed as one. */
  static final class Unit {
    private final List<Pending> writes;

    private Unit(List<Pending> writes) {
      this.writes = writes;
    }

    /** Proposes the writes; completes once every reply is complete. */
    CompletionStage<Void> dispatch(RespBackend backend) {
      KvWrite write = writes.size() == 1 ? writes.get(0).write()
          : new KvWrite.Batch(writes.stream().map(Pending::write).toList());
      return backend.write(write).handle((response, error) -> {
        for (int i = 0; i < writes.size(); i++) {
          Pending p = writes.get(i);
          if (error != null) {
            p.reply().completeExceptionally(error);
          } else if (!(response instanceof KvResponse.Done done)) {
            p.reply().complete(RespSession.notDone(response));
          } else {
            KvResult result = done.decoded();
            if (writes.size() > 1 && result instanceof KvResult.BatchResult b) result = b.results().get(i);
            p.reply().complete(replyFor(p.plan(), p.write(), result));
          }
        }
        return null;
      });
    }
  }

  /** The write a plan proposes: its one write, or a transaction of its operations. */
  static KvWrite writeOf(Plan plan) {
    return plan.ops().size() == 1 && plan.ops().get(0) instanceof KvWrite w
        ? w : new KvWrite.Txn(List.of(), plan.ops(), List.of());
  }

  private static ByteString replyFor(Plan plan, KvWrite write, KvResult result) {
    if (result instanceof KvResult.Failure f) return RespSession.refused(f);
    return plan.reply().apply(write instanceof KvWrite.Txn ? ((KvResult.TxnResult) result).results() : List.of(result));
  }

  private static boolean batchable(KvWrite write) {
    return write instanceof TxnOp || write instanceof KvWrite.Txn;
  }

  /** Roughly the bytes a write adds to an entry: its keys and values plus some framing. */
  static int size(KvWrite write) {
    if (write instanceof KvWrite.Put p) return 32 + p.key().size() + p.value().size();
    if (write instanceof KvWrite.Append a) return 32 + a.key().size() + a.suffix().size();
    if (write instanceof KvWrite.Delete d) return 32 + d.key().size();
    if (write instanceof KvWrite.Increment i) return 32 + i.key().size();
    if (write instanceof KvWrite.Touch t) return 32 + t.key().size();
    if (write instanceof KvWrite.FencedPut f) return 40 + f.key().size() + f.value().size();
    if (write instanceof KvWrite.DeleteIf d) return 32 + d.key().size() + d.value().size();
    if (write instanceof KvWrite.Txn t) {
      int sum = 32;
      for (TxnOp op : t.success()) sum += op instanceof KvWrite w ? size(w) : 32;
      return sum;
    }
    return MAX_BYTES; // anything else goes alone
  }
}
