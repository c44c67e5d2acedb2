package io.raftactors.kv.resp;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.lock.TtlLocks;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.ReadConsistency;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** What the RESP front end needs of its replica: writes, queries and the Raft status. */
public interface RespBackend {
  CompletionStage<KvResponse> write(KvWrite write);

  CompletionStage<KvResponse> query(KvQuery query, ReadConsistency consistency);

  CompletionStage<NodeStatus> status();

  /** The TTL locks of the LOCK, UNLOCK and RENEW commands. */
  TtlLocks locks();

  /** The limits scripts proposed here run with ({@code kv.script}). */
  ScriptLimits scriptLimits();

  /** The local replica's KvNode and its Raft node, the node's TTL locks and its script limits. */
  static RespBackend of(ActorRef<KvCommand> replica, ActorRef<RaftNode.Command> raft, Scheduler scheduler,
      Duration timeout, TtlLocks locks, ScriptLimits scriptLimits) {
    return new RespBackend() {
      @Override
      public TtlLocks locks() {
        return locks;
      }

      @Override
      public ScriptLimits scriptLimits() {
        return scriptLimits;
      }

      @Override
      public CompletionStage<KvResponse> write(KvWrite write) {
        return Asks.<KvCommand, KvResponse>ask(replica, timeout, scheduler, r -> KvCommand.write(write, r))
            .exceptionally(e -> new KvResponse.Unknown("no answer from the replica within " + timeout));
      }

      @Override
      public CompletionStage<KvResponse> query(KvQuery query, ReadConsistency consistency) {
        return Asks.<KvCommand, KvResponse>ask(replica, timeout, scheduler, r -> KvCommand.query(query, consistency, r))
            .exceptionally(e -> new KvResponse.NotApplied("TIMEOUT", "no answer from the replica", null));
      }

      @Override
      public CompletionStage<NodeStatus> status() {
        return Asks.ask(raft, timeout, scheduler, GetStatus::new);
      }
    };
  }
}
