package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.Compare;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Redis's optimistic transactions on the replicated compare-then-ops transaction: WATCH reads the
 * mod revisions of the watched keys; MULTI queues commands as plans; EXEC proposes one {@link
 * KvWrite.Txn} whose comparisons are "every watched key still has the mod revision WATCH saw" and
 * whose operations are the queued commands'. It applies atomically on every replica, or not at all
 * (EXEC answers nil when a watched key changed). Stronger than Redis in one way: if a queued
 * command fails (INCR of a non-integer), the whole transaction is not applied and EXEC answers
 * that error.
 */
final class Transactions {
  /** Commands that act at once even inside MULTI. */
  static final Set<String> CONTROL = Set.of("EXEC", "DISCARD", "MULTI", "WATCH", "UNWATCH", "QUIT", "RESET");

  private final RespSession session;
  private final StringCommands strings;
  private List<Plan> queued;
  private boolean aborted;
  /** Watched keys and the mod revision WATCH saw (0: the key did not exist). */
  private final Map<Bytes, Long> watched = new LinkedHashMap<>();

  Transactions(RespSession session, StringCommands strings) {
    this.session = session;
    this.strings = strings;
  }

  boolean queueing() {
    return queued != null;
  }

  ByteString queue(String name, List<byte[]> args) {
    Object plan = strings.plan(name, args);
    if (plan instanceof ByteString error) {
      aborted = true;
      return error;
    }
    queued.add((Plan) plan);
    return Resp.QUEUED;
  }

  ByteString control(String name, List<byte[]> args) {
    if (name.equals("MULTI")) {
      if (queued != null) return Resp.error("ERR MULTI calls can not be nested");
      queued = new ArrayList<>();
      aborted = false;
      return Resp.OK;
    }
    if (queued == null) return Resp.error("ERR DISCARD without MULTI");
    reset();
    return Resp.OK;
  }

  void reset() {
    queued = null;
    aborted = false;
    synchronized (watched) {
      watched.clear();
    }
  }

  CompletionStage<ByteString> barrier(String name, List<byte[]> args) {
    return switch (name) {
      case "WATCH" -> watch(args);
      case "UNWATCH" -> {
        synchronized (watched) {
          watched.clear();
        }
        yield CompletableFuture.completedFuture(Resp.OK);
      }
      default -> exec();
    };
  }

  private CompletionStage<ByteString> watch(List<byte[]> args) {
    if (queued != null) return CompletableFuture.completedFuture(Resp.error("ERR WATCH inside MULTI is not allowed"));
    if (args.size() < 2) return CompletableFuture.completedFuture(RespSession.wrongArity("watch"));
    List<Bytes> keys = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) keys.add(RespSession.key(args.get(i)));
    return session.backend.query(new KvQuery.GetMany(keys), session.consistency).thenApply(response -> {
      if (!(response instanceof KvResponse.Done done)) return RespSession.notDone(response);
      List<KeyValue> kvs = ((KvResult.GetManyResult) done.decoded()).kvs();
      synchronized (watched) {
        for (int i = 0; i < keys.size(); i++) {
          watched.putIfAbsent(keys.get(i), kvs.get(i) == null ? 0L : kvs.get(i).modRevision());
        }
      }
      return Resp.OK;
    });
  }

  private CompletionStage<ByteString> exec() {
    if (queued == null) return CompletableFuture.completedFuture(Resp.error("ERR EXEC without MULTI"));
    List<Plan> plans = queued;
    boolean discard = aborted;
    List<Compare> compares = new ArrayList<>();
    synchronized (watched) {
      for (Map.Entry<Bytes, Long> w : watched.entrySet()) {
        compares.add(w.getValue() == 0
            ? Compare.version(w.getKey(), Compare.Relation.EQUAL, 0)
            : Compare.modRevision(w.getKey(), Compare.Relation.EQUAL, w.getValue()));
      }
    }
    reset();
    if (discard) {
      return CompletableFuture.completedFuture(
          Resp.error("EXECABORT Transaction discarded because of previous errors."));
    }
    List<TxnOp> ops = new ArrayList<>();
    for (Plan p : plans) ops.addAll(p.ops());
    return session.backend.write(new KvWrite.Txn(compares, ops, List.of())).thenApply(response -> {
      if (!(response instanceof KvResponse.Done done)) return RespSession.notDone(response);
      KvResult result = done.decoded();
      if (result instanceof KvResult.Failure f) return RespSession.refused(f);
      KvResult.TxnResult txn = (KvResult.TxnResult) result;
      if (!txn.succeeded()) return Resp.NULL_ARRAY; // a watched key changed
      List<ByteString> replies = new ArrayList<>(plans.size());
      int at = 0;
      for (Plan p : plans) {
        replies.add(CommandPlans.reply(p, txn.results().subList(at, at + p.ops().size())));
        at += p.ops().size();
      }
      return Resp.arrayOf(replies);
    });
  }
}
