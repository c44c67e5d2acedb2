package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ReceiveBuilder;
import io.raftactors.raft.Propose;
import io.raftactors.raft.Read;
import io.raftactors.raft.protocol.ReadIndexRequest;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.AppendResponse;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.InstallSnapshotResponse;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.rules.CommitRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader: appends proposals in batches, replicates through one {@link Replicator} child per
 * follower, commits by majority of durable match indexes, and hands committed entries to the
 * applier.
 *
 * <ul>
 *   <li>A no-op of its term is appended first (Raft 5.4.2, dissertation 6.4), so entries of
 *       earlier terms commit as soon as it does.
 *   <li>Proposals that arrive while the node is busy are appended together: the first one sends
 *       this actor a flush message, and everything queued in the mailbox before it joins the
 *       batch (one journal write, one AppendEntries per follower).
 *   <li>Its own journal write runs in parallel with replication; its own match index is what
 *       the journal has made durable.
 * </ul>
 *
 * <p>In: from Candidate with a majority of votes. Out: Follower on a higher term, or when it has
 * not heard from a majority within the minimum election timeout (check-quorum).
 */
final class Leader extends RoleBehavior {
  private final Map<String, ActorRef<Replicator.Command>> replicators = new HashMap<>();
  private final ReadIndexTracker reads;
  /** Highest index each follower acknowledged as durable in this term; only grows. */
  private final Map<String, Long> matchIndex = new HashMap<>();
  private final Map<String, Long> lastHeardNanos = new HashMap<>();
  /** Followers receiving a snapshot, with its index: the log after it must stay. */
  private final Map<String, Long> installing = new HashMap<>();
  private final List<Propose> batch = new ArrayList<>();
  private long batchBytes;
  private boolean flushScheduled;
  /** Timestamps stamped on entries never decrease along the log. */
  private long lastTimestamp;

  Leader(NodeContext ctx) {
    super(ctx);
    this.reads = new ReadIndexTracker(ctx, round -> {
      Replicator.ReadRound message = new Replicator.ReadRound(round);
      for (ActorRef<Replicator.Command> r : replicators.values()) r.tell(message);
    });
  }

  @Override
  Role role() {
    return Role.LEADER;
  }

  /** Called by {@link Roles} once this is the node's role. */
  void start() {
    ctx.logger().info("[{}] leader of term {}", ctx.selfId, ctx.currentTerm);
    ctx.publishLeaderClock();
    if (!ctx.log.view().isEmpty()) lastTimestamp = ctx.log.entry(ctx.log.lastIndex()).timestamp();
    long noopIndex = ctx.log.lastIndex() + 1;
    ctx.appendToLog(List.of(LogEntry.noop(noopIndex, ctx.currentTerm, stamp())));
    long now = ctx.clock.nanoTime();
    for (String peer : ctx.peerIds) {
      matchIndex.put(peer, 0L);
      lastHeardNanos.put(peer, now);
      ActorRef<Replicator.Command> replicator =
          ctx.actor.spawn(
              Replicator.create(
                  new Replicator.Setup(
                      peer,
                      ctx.selfId,
                      ctx.currentTerm,
                      ctx.peers,
                      ctx.actor.getSelf(),
                      ctx.settings,
                      ctx.clock,
                      ctx.log.view(),
                      ctx.commitIndex.get(),
                      noopIndex,
                      ctx.latestSnapshot)),
              "replicator-"
                  + URLEncoder.encode(peer, StandardCharsets.UTF_8)
                  + "-"
                  + ctx.currentTerm,
              DispatcherSelector.sameAsParent());
      replicators.put(peer, replicator);
    }
    ctx.timers.startTimerWithFixedDelay(
        NodeContext.READ_ROUND_TIMER, Internal.ReadRoundTick.INSTANCE, ctx.settings.heartbeatInterval());
    if (ctx.settings.checkQuorum()) {
      ctx.timers.startTimerWithFixedDelay(
          NodeContext.CHECK_QUORUM_TIMER,
          Internal.CheckQuorumTick.INSTANCE,
          ctx.settings.electionTimeoutMin());
    }
    for (Propose waiting : ctx.waiting.takeAllForLeader()) onPropose(waiting);
    maybeCommit();
  }

  @Override
  void addHandlers(ReceiveBuilder<RaftNode.Command> builder) {
    builder
        .onMessageEquals(Internal.FlushProposals.INSTANCE, this::onFlush)
        .onMessage(Internal.ReplicatorProgress.class, this::onProgress)
        .onMessage(Internal.InstallProgress.class, this::onInstallProgress)
        .onMessageEquals(Internal.CheckQuorumTick.INSTANCE, this::onCheckQuorum)
        .onMessageEquals(Internal.ReadRoundTick.INSTANCE, () -> {
          reads.onTick();
          return this;
        })
        .onMessageEquals(Internal.FlushReadRound.INSTANCE, () -> {
          reads.onFlushRound();
          return this;
        });
  }

  @Override
  Behavior<RaftNode.Command> onMessage(RaftMessage message) {
    if (message instanceof AppendResponse response) {
      lastHeardNanos.put(response.from(), ctx.clock.nanoTime());
      reads.onEcho(response.from(), response.readRound());
      ActorRef<Replicator.Command> replicator = replicators.get(response.from());
      if (replicator != null) replicator.tell(new Replicator.FollowerResponse(response));
    } else if (message instanceof InstallSnapshotResponse response) {
      lastHeardNanos.put(response.from(), ctx.clock.nanoTime());
      ActorRef<Replicator.Command> replicator = replicators.get(response.from());
      if (replicator != null) replicator.tell(new Replicator.InstallResponse(response));
    } else if (message instanceof RequestVote request) {
      Voting.answer(ctx, request);
    } else if (message instanceof AppendEntries || message instanceof InstallSnapshot) {
      ctx.logger()
          .error(
              "[{}] SAFETY: {} from {} claims leadership of my term {}",
              ctx.selfId, message.getClass().getSimpleName(), message.from(), ctx.currentTerm);
    }
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onRead(Read read) {
    reads.onRead(read);
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onReadIndexRequest(ReadIndexRequest request) {
    reads.onRemoteRequest(request.from(), request.id(), request.lease());
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onPropose(Propose p) {
    if (!ctx.waiting.admit(p)) return this;
    long uncommitted =
        ctx.log.bytesBetween(ctx.commitIndex.get(), ctx.log.lastIndex()) + batchBytes;
    if (uncommitted + p.command().length > ctx.settings.maxUncommittedBytes()) {
      ctx.waiting.reject(p, RejectReason.OVERLOADED,
          "leader " + ctx.selfId + " has " + uncommitted
              + " uncommitted bytes (raft.limits.max-uncommitted-bytes)");
      return this;
    }
    batch.add(p);
    batchBytes += p.command().length + LogEntry.OVERHEAD_BYTES;
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.actor.getSelf().tell(Internal.FlushProposals.INSTANCE);
    }
    return this;
  }

  private Behavior<RaftNode.Command> onFlush() {
    flushScheduled = false;
    if (batch.isEmpty()) return this;
    long index = ctx.log.lastIndex() + 1;
    long timestamp = stamp();
    List<LogEntry> entries = new ArrayList<>(batch.size());
    for (Propose p : batch) {
      LogEntry entry = LogEntry.command(index++, ctx.currentTerm, timestamp, p.command());
      entries.add(entry);
      ctx.applier.tell(new Applier.Await(entry.index(), entry.term(), p.replyTo()));
    }
    batch.clear();
    batchBytes = 0;
    ctx.appendToLog(entries);
    broadcastLog();
    return this;
  }

  private Behavior<RaftNode.Command> onProgress(Internal.ReplicatorProgress progress) {
    if (progress.term() != ctx.currentTerm) return this;
    if (progress.lowered()) matchIndex.put(progress.follower(), progress.matchIndex());
    else matchIndex.merge(progress.follower(), progress.matchIndex(), Math::max);
    maybeCommit();
    return this;
  }

  private Behavior<RaftNode.Command> onInstallProgress(Internal.InstallProgress progress) {
    if (progress.term() != ctx.currentTerm) return this;
    if (progress.done()) installing.remove(progress.follower());
    else installing.put(progress.follower(), progress.snapshotIndex());
    return this;
  }

  @Override
  long compactionFloor() {
    return installing.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
  }

  @Override
  Behavior<RaftNode.Command> onSnapshotSaved(io.raftactors.raft.snapshot.SnapshotStore.Meta meta) {
    Replicator.SnapshotAvailable available = new Replicator.SnapshotAvailable(meta);
    for (ActorRef<Replicator.Command> r : replicators.values()) r.tell(available);
    broadcastLog();
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onDurable() {
    maybeCommit();
    return this;
  }

  private void maybeCommit() {
    long[] matches = new long[ctx.voters.size()];
    int i = 0;
    for (String id : ctx.voters) {
      matches[i++] =
          id.equals(ctx.selfId) ? ctx.journal.durableMatchIndex() : matchIndex.getOrDefault(id, 0L);
    }
    long quorumIndex = CommitRules.quorumIndex(matches);
    long next =
        CommitRules.advance(ctx.commitIndex.get(), quorumIndex, ctx.log.view(), ctx.currentTerm);
    if (next > ctx.commitIndex.get()) {
      ctx.advanceCommit(next);
      broadcastLog();
      reads.onCommit();
    }
  }

  private Behavior<RaftNode.Command> onCheckQuorum() {
    long now = ctx.clock.nanoTime();
    long window = ctx.settings.electionTimeoutMin().toNanos();
    int heard = 1;
    for (long last : lastHeardNanos.values()) {
      if (now - last < window) heard++;
    }
    if (heard < ctx.quorum()) {
      ctx.logger()
          .warn(
              "[{}] stepping down in term {}: heard from {} of {} voters within {}",
              ctx.selfId, ctx.currentTerm, heard, ctx.voters.size(), ctx.settings.electionTimeoutMin());
      return ctx.roles.becomeFollower(ctx.currentTerm, null);
    }
    return this;
  }

  private void broadcastLog() {
    Replicator.LogUpdated update = new Replicator.LogUpdated(ctx.log.view(), ctx.commitIndex.get());
    for (ActorRef<Replicator.Command> r : replicators.values()) r.tell(update);
  }

  private long stamp() {
    lastTimestamp = Math.max(lastTimestamp, ctx.clock.currentTimeMillis());
    return lastTimestamp;
  }

  @Override
  void onExit() {
    for (ActorRef<Replicator.Command> r : replicators.values()) ctx.actor.stop(r);
    replicators.clear();
    ctx.timers.cancel(NodeContext.CHECK_QUORUM_TIMER);
    ctx.timers.cancel(NodeContext.READ_ROUND_TIMER);
    reads.failAll();
    installing.clear();
    // Appended but not committed: the outcome is unknown. Committed entries still get their result.
    ctx.applier.tell(
        new Applier.FailPendingAbove(
            ctx.commitIndex.get(), "leadership of term " + ctx.currentTerm + " lost"));
    // Never appended: certainly not applied, so they may go to the next leader.
    for (Propose p : batch) ctx.waiting.route(p);
    batch.clear();
    batchBytes = 0;
  }
}
