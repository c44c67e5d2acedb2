package io.raftactors.kv.resp;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.lock.TtlLocks;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Read;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** What the RESP front end needs of its replica: writes, queries and the Raft status. */
public interface RespBackend {
  CompletionStage<KvResponse> write(KvWrite write);

  CompletionStage<KvResponse> query(KvQuery query, ReadConsistency consistency);

  CompletionStage<NodeStatus> status();

  /** Asks the cluster, through this node, for a membership change (RAFT.ADDLEARNER/PROMOTE/REMOVE). */
  CompletionStage<io.raftactors.raft.ProposeResult> changeMembership(
      io.raftactors.raft.ChangeMembership.Kind kind, String nodeId, String address);

  /**
   * Asks the cluster, through this node, to hand leadership to {@code target} (RAFT.TRANSFER); fails
   * (exceptionally) when no answer comes in time: leadership may or may not have moved.
   */
  CompletionStage<io.raftactors.raft.TransferResult> transferLeadership(String target);

  /** The TTL locks of the LOCK, UNLOCK and RENEW commands. */
  TtlLocks locks();

  /** The limits scripts proposed here run with ({@code kv.script}). */
  ScriptLimits scriptLimits();

  /** The node's metrics ({@code INFO raftstats}). */
  io.raftactors.raft.metrics.MetricRegistry metrics();

  /**
   * The local replica's Raft node, the node's TTL locks and its script limits. Writes and queries go
   * straight to the Raft node (one ask, no hop through the replica's KvService actor).
   */
  static RespBackend of(ActorRef<RaftNode.Command> raft, Scheduler scheduler,
      Duration timeout, TtlLocks locks, ScriptLimits scriptLimits, io.raftactors.raft.metrics.MetricRegistry metrics) {
    // A change commits in a round trip or two; a transfer takes up to an election timeout.
    Duration adminTimeout = timeout.compareTo(Duration.ofSeconds(10)) > 0 ? timeout : Duration.ofSeconds(10);
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
      public io.raftactors.raft.metrics.MetricRegistry metrics() {
        return metrics;
      }

      @Override
      public CompletionStage<KvResponse> write(KvWrite write) {
        byte[] command = KvCodec.encode(new KvCodec.Command(null, write));
        return Asks.<RaftNode.Command, ProposeResult>ask(raft, timeout, scheduler, r -> new Propose(command, r))
            .thenApply(KvResponse::of)
            .exceptionally(e -> new KvResponse.Unknown("no answer from the Raft node within " + timeout));
      }

      @Override
      public CompletionStage<KvResponse> query(KvQuery query, ReadConsistency consistency) {
        return Asks.<RaftNode.Command, ReadResult>ask(raft, timeout, scheduler, r -> new Read(query, consistency, r))
            .thenApply(KvResponse::of)
            .exceptionally(e -> new KvResponse.NotApplied("TIMEOUT", "no answer from the Raft node", null));
      }

      @Override
      public CompletionStage<io.raftactors.raft.ProposeResult> changeMembership(
          io.raftactors.raft.ChangeMembership.Kind kind, String nodeId, String address) {
        return Asks.<RaftNode.Command, io.raftactors.raft.ProposeResult>ask(raft, adminTimeout, scheduler,
                r -> new io.raftactors.raft.ChangeMembership(kind, nodeId, address, r))
            .exceptionally(e -> new io.raftactors.raft.ProposeResult.Unknown(
                "no answer within " + adminTimeout.toMillis() + " ms"));
      }

      @Override
      public CompletionStage<io.raftactors.raft.TransferResult> transferLeadership(String target) {
        return Asks.<RaftNode.Command, io.raftactors.raft.TransferResult>ask(raft, adminTimeout, scheduler,
            r -> new io.raftactors.raft.TransferLeadership(target, r));
      }

      @Override
      public CompletionStage<NodeStatus> status() {
        return Asks.ask(raft, timeout, scheduler, GetStatus::new);
      }
    };
  }
}
