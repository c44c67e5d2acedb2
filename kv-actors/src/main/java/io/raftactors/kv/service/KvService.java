package io.raftactors.kv.service;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvSettings;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.state.KvCodec;
import io.raftactors.kv.watch.WatchHub;
import io.raftactors.raft.Asks;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftEvent;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Read;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.Role;
import java.util.function.Supplier;

/**
 * The front of one KV replica: turns {@link KvCommand}s into Raft proposals and reads of the local
 * Raft node, and their answers into {@link KvResponse}s; hands watches to the replica's {@link
 * WatchHub}. While its node leads, it also drives expiry: when a key, lease or session is due, it
 * proposes an {@link KvWrite.ExpireDue}, which deletes what is due on every replica at the same
 * log position. A new leader whose wall clock is ahead of the previous one's first shifts every
 * lease by the difference ({@link KvWrite.ShiftLeases}), so a leader change never ends a lease
 * early.
 */
public final class KvService extends AbstractBehavior<Object> {
  private record WriteDone(ActorRef<KvResponse> replyTo, ProposeResult result, Throwable error) {}

  private record QueryDone(ActorRef<KvResponse> replyTo, ReadResult result, Throwable error) {}

  private enum ExpiryTick {
    INSTANCE
  }

  private record NextExpiry(ReadResult result) {}

  private record ExpiryDone() {}

  private record ShiftDone(boolean applied) {}

  private final String nodeId;
  private final Supplier<ActorRef<RaftNode.Command>> raft;
  private final ActorRef<WatchHub.Command> hub;
  private final KvSettings settings;
  /** The node's wall clock (the one its leader stamps entries with). */
  private final java.util.function.LongSupplier wallClock;
  private boolean leading;
  private boolean expiryInFlight;
  /**
   * Leading, and not yet sure the stamped time did not jump with this leader's clock: nothing
   * expires until the leases are shifted by the jump (if any).
   */
  private boolean clockCheckPending;
  private long leaderTerm;
  /** The newest {@link RaftEvent.LeaderClock} of this node. */
  private RaftEvent.LeaderClock leaderClock;
  /** How much to shift the leases by, once known (-1: not yet). */
  private long shiftBy = -1;

  /**
   * @param raft the local Raft node (its current incarnation)
   */
  public static Behavior<KvCommand> create(String nodeId, Supplier<ActorRef<RaftNode.Command>> raft,
      ActorRef<WatchHub.Command> hub, KvSettings settings) {
    return create(nodeId, raft, hub, settings, System::currentTimeMillis);
  }

  /** @param wallClock the node's wall clock, the one its Raft node stamps entries with */
  public static Behavior<KvCommand> create(String nodeId, Supplier<ActorRef<RaftNode.Command>> raft,
      ActorRef<WatchHub.Command> hub, KvSettings settings, java.util.function.LongSupplier wallClock) {
    return Behaviors.<Object>setup(ctx -> Behaviors.withTimers(
        timers -> (Behavior<Object>) new KvService(ctx, timers, nodeId, raft, hub, settings, wallClock))).narrow();
  }

  /** The service as the behavior of an actor that already exists (a {@link io.raftactors.kv.KvNode}). */
  public static Behavior<Object> create(ActorContext<Object> ctx, String nodeId,
      Supplier<ActorRef<RaftNode.Command>> raft, ActorRef<WatchHub.Command> hub, KvSettings settings) {
    return Behaviors.withTimers(
        timers -> new KvService(ctx, timers, nodeId, raft, hub, settings, System::currentTimeMillis));
  }

  private KvService(ActorContext<Object> ctx, TimerScheduler<Object> timers, String nodeId,
      Supplier<ActorRef<RaftNode.Command>> raft, ActorRef<WatchHub.Command> hub, KvSettings settings,
      java.util.function.LongSupplier wallClock) {
    super(ctx);
    this.nodeId = nodeId;
    this.raft = raft;
    this.hub = hub;
    this.settings = settings;
    this.wallClock = wallClock;
    ActorRef<RaftEvent> events = ctx.messageAdapter(RaftEvent.class, e -> e);
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(RaftEvent.class, events));
    timers.startTimerWithFixedDelay(ExpiryTick.INSTANCE, settings.expiryCheckInterval());
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(KvCommand.Write.class, this::onWrite)
        .onMessage(KvCommand.Query.class, this::onQuery)
        .onMessage(KvCommand.Admin.class, a -> {
          raft.get().tell(a.command());
          return this;
        })
        .onMessage(KvCommand.GetMetrics.class, m -> {
          m.replyTo().tell(io.raftactors.kv.MetricsReport.of(nodeId,
              io.raftactors.raft.metrics.RaftMetrics.get(getContext().getSystem()).node(nodeId)));
          return this;
        })
        .onMessage(KvCommand.class, c -> {
          hub.tell(WatchHub.of(c));
          return this;
        })
        .onMessage(WriteDone.class, this::onWriteDone)
        .onMessage(QueryDone.class, this::onQueryDone)
        .onMessage(RaftEvent.RoleChanged.class, this::onRoleChanged)
        .onMessageEquals(ExpiryTick.INSTANCE, this::onExpiryTick)
        .onMessage(NextExpiry.class, this::onNextExpiry)
        .onMessage(ExpiryDone.class, d -> {
          expiryInFlight = false;
          return this;
        })
        .onMessage(RaftEvent.LeaderClock.class, this::onLeaderClock)
        .onMessage(ShiftDone.class, d -> {
          expiryInFlight = false;
          if (d.applied()) clockCheckPending = false;
          return this;
        })
        .onSignal(Terminated.class, t -> {
          getContext().getLog().error("[{}] the Raft node stopped; the KV replica stops with it", nodeId);
          return Behaviors.stopped();
        })
        .build();
  }

  private Behavior<Object> onWrite(KvCommand.Write write) {
    Asks.<RaftNode.Command, ProposeResult, Object>askAndPipe(getContext(), raft.get(),
        settings.requestTimeout(), r -> new Propose(write.command(), r),
        (result, error) -> new WriteDone(write.replyTo(), result, error));
    return this;
  }

  private Behavior<Object> onWriteDone(WriteDone done) {
    done.replyTo().tell(done.error() != null
        ? new KvResponse.Unknown("no answer from the Raft node within kv.request-timeout")
        : KvResponse.of(done.result()));
    return this;
  }

  private Behavior<Object> onQuery(KvCommand.Query query) {
    KvQuery q;
    try {
      q = KvCodec.decodeQuery(query.query());
    } catch (IllegalArgumentException e) {
      query.replyTo().tell(new KvResponse.NotApplied("INVALID", e.getMessage(), null));
      return this;
    }
    Asks.<RaftNode.Command, ReadResult, Object>askAndPipe(getContext(), raft.get(),
        settings.requestTimeout(), r -> new Read(q, query.consistency(), r),
        (result, error) -> new QueryDone(query.replyTo(), result, error));
    return this;
  }

  private Behavior<Object> onQueryDone(QueryDone done) {
    done.replyTo().tell(done.error() != null
        ? new KvResponse.NotApplied("TIMEOUT", "no answer from the Raft node within kv.request-timeout", null)
        : KvResponse.of(done.result()));
    return this;
  }

  private Behavior<Object> onRoleChanged(RaftEvent.RoleChanged e) {
    if (!e.nodeId().equals(nodeId)) return this;
    boolean wasLeading = leading;
    leading = e.role() == Role.LEADER;
    if (leading && !wasLeading) {
      clockCheckPending = true;
      leaderTerm = e.term();
      shiftBy = leaderClock != null && leaderClock.term() == e.term() ? leaderClock.aheadMillis() : -1;
    }
    return this;
  }

  private Behavior<Object> onExpiryTick() {
    if (!leading || expiryInFlight) return this;
    expiryInFlight = true;
    if (clockCheckPending) {
      if (shiftBy < 0) { // this leader's clock is not measured yet: expire nothing until it is
        expiryInFlight = false;
        return this;
      }
      if (shiftBy < 10) { // within the leases' margin: nothing to make up
        clockCheckPending = false;
      } else {
        shiftLeases(shiftBy);
        return this;
      }
    }
    Asks.<RaftNode.Command, ReadResult, Object>askAndPipe(getContext(), raft.get(),
        settings.requestTimeout(), r -> new Read(new KvQuery.NextExpiry(), ReadConsistency.STALE, r),
        (result, error) -> error == null ? new NextExpiry(result) : new ExpiryDone());
    return this;
  }

  /**
   * How far this node's wall clock is ahead of the previous leader's, as the Raft node measured it
   * on the entries it received from that leader: leases are shifted by it, so the jump of the
   * stamped time with this leader does not end them early. The time without a leader is not made
   * up (it passed for the holders too).
   */
  private Behavior<Object> onLeaderClock(RaftEvent.LeaderClock c) {
    if (!c.nodeId().equals(nodeId)) return this;
    leaderClock = c;
    if (leading && c.term() == leaderTerm) shiftBy = c.aheadMillis();
    return this;
  }

  private void shiftLeases(long ahead) {
    if (ahead >= 100) {
      getContext().getLog().info("[{}] this leader's clock is {} ms ahead of the previous leader's: leases are "
          + "shifted by as much", nodeId, ahead);
    }
    byte[] command = KvCodec.encode(new KvCodec.Command(null, new KvWrite.ShiftLeases(ahead)));
    Asks.<RaftNode.Command, ProposeResult, Object>askAndPipe(getContext(), raft.get(),
        settings.requestTimeout(), r -> new Propose(command, r),
        (result, error) -> new ShiftDone(result instanceof ProposeResult.Applied));
  }

  private Behavior<Object> onNextExpiry(NextExpiry next) {
    long due = next.result() instanceof ReadResult.Ok ok ? (Long) ok.value() : 0;
    if (due == 0 || due > wallClock.getAsLong()) {
      expiryInFlight = false;
      return this;
    }
    byte[] command = KvCodec.encode(new KvCodec.Command(null, new KvWrite.ExpireDue()));
    Asks.<RaftNode.Command, ProposeResult, Object>askAndPipe(getContext(), raft.get(),
        settings.requestTimeout(), r -> new Propose(command, r), (result, error) -> new ExpiryDone());
    return this;
  }
}
