package io.raftactors.raft.node;

import io.raftactors.raft.Read;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.protocol.ReadIndexRequest;
import io.raftactors.raft.protocol.ReadIndexResponse;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A non-leader's reads: STALE ones are served at once from the local state machine; LINEARIZABLE
 * and LEASE ones ask the leader for a read index and are then served locally once this node has
 * applied up to it, so reads scale with the followers while the leader only confirms.
 */
final class RemoteReads {
  private record Waiting(Read read, long deadlineNanos) {}

  private final NodeContext ctx;
  private final Map<Long, Waiting> waiting = new HashMap<>();
  private long nextId;

  RemoteReads(NodeContext ctx) {
    this.ctx = ctx;
  }

  void onRead(Read read) {
    if (read.consistency() == ReadConsistency.STALE) {
      ctx.applier.tell(new Applier.ReadAt(0, read.query(), read.replyTo(), millisSinceLeader()));
      return;
    }
    String leader = ctx.leaderId;
    if (!ctx.membership().isMember(ctx.selfId)) {
      // Not added yet, or removed: it is sent no entries, so it could never apply up to a read index.
      read.replyTo().tell(new ReadResult.Failed(ReadResult.Reason.NO_LEADER, ctx.selfId
          + " is not a member of the cluster (not added yet, or removed); read from a member", leader));
      return;
    }
    if (leader == null || leader.equals(ctx.selfId)) {
      read.replyTo().tell(new ReadResult.Failed(ReadResult.Reason.NO_LEADER,
          ctx.selfId + " knows no leader to confirm the read", null));
      return;
    }
    long id = ++nextId;
    if (waiting.isEmpty()) {
      ctx.timers.startTimerWithFixedDelay(NodeContext.REMOTE_READ_TIMER, Internal.RemoteReadTick.INSTANCE,
          ctx.settings.readTimeout().dividedBy(4));
    }
    waiting.put(id, new Waiting(read, ctx.clock.nanoTime() + ctx.settings.readTimeout().toNanos()));
    ctx.send(leader, new ReadIndexRequest(ctx.selfId, id, read.consistency() == ReadConsistency.LEASE));
  }

  void onResponse(ReadIndexResponse response) {
    Waiting w = waiting.remove(response.id());
    if (w == null) return; // timed out already
    if (response.ok()) {
      ctx.applier.tell(new Applier.ReadAt(response.index(), w.read().query(), w.read().replyTo(),
          millisSinceLeader()));
    } else {
      w.read().replyTo().tell(new ReadResult.Failed(ReadResult.Reason.NO_LEADER, response.reason(), null));
    }
    stopTimerIfIdle();
  }

  void expire() {
    long now = ctx.clock.nanoTime();
    for (Iterator<Waiting> it = waiting.values().iterator(); it.hasNext(); ) {
      Waiting w = it.next();
      if (w.deadlineNanos() - now <= 0) {
        it.remove();
        w.read().replyTo().tell(new ReadResult.Failed(ReadResult.Reason.TIMEOUT,
            "no read index from the leader within raft.read.timeout", ctx.leaderId));
      }
    }
    stopTimerIfIdle();
  }

  private void stopTimerIfIdle() {
    if (waiting.isEmpty()) ctx.timers.cancel(NodeContext.REMOTE_READ_TIMER);
  }

  private long millisSinceLeader() {
    return (ctx.clock.nanoTime() - ctx.lastLeaderContactNanos) / 1_000_000;
  }
}
