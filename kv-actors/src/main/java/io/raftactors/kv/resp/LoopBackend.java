package io.raftactors.kv.resp;

import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.lock.TtlLocks;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.TransferResult;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A connection's backend whose answers arrive on the connection's event loop. The Raft node
 * answers on its applier's thread; without this hop, decoding and formatting every reply (and the
 * session's follow-up work) would run there, inside the apply loop of the whole replica.
 */
final class LoopBackend implements RespBackend {
  private final RespBackend backend;
  private final Executor loop;

  LoopBackend(RespBackend backend, Executor loop) {
    this.backend = backend;
    this.loop = loop;
  }

  private <T> CompletionStage<T> onLoop(CompletionStage<T> answer) {
    return answer.thenApplyAsync(Function.identity(), loop);
  }

  @Override
  public CompletionStage<KvResponse> write(KvWrite write) {
    return onLoop(backend.write(write));
  }

  @Override
  public CompletionStage<KvResponse> query(KvQuery query, ReadConsistency consistency) {
    return onLoop(backend.query(query, consistency));
  }

  @Override
  public CompletionStage<NodeStatus> status() {
    return onLoop(backend.status());
  }

  @Override
  public CompletionStage<ProposeResult> changeMembership(ChangeMembership.Kind kind, String nodeId, String address) {
    return onLoop(backend.changeMembership(kind, nodeId, address));
  }

  @Override
  public CompletionStage<TransferResult> transferLeadership(String target) {
    return onLoop(backend.transferLeadership(target));
  }

  @Override
  public TtlLocks locks() {
    return backend.locks();
  }

  @Override
  public ScriptLimits scriptLimits() {
    return backend.scriptLimits();
  }
}
