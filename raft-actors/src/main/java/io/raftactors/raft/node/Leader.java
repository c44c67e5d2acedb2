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
  /** Names replicators uniquely, so one that replaces a stopping one never clashes with it. */
  private long replicatorSeq;
  /** A leadership transfer in progress, or null. */
  private Transfer transfer;
  /** Proposals that arrived during a transfer: the next leader gets them (or this one, if it fails). */
  private final List<Propose> held = new ArrayList<>();

  /**
   * Handing leadership to {@code target}; {@code timeoutNowSent} once it was told to campaign;
   * {@code stepDown}: this leader was removed, so it steps down once the target was told, or when
   * the transfer times out, instead of leading on.
   */
  private static final class Transfer {
    final String target;
    final List<ActorRef<io.raftactors.raft.TransferResult>> replies = new ArrayList<>();
    boolean timeoutNowSent;
    boolean stepDown;

    Transfer(String target) {
      this.target = target;
    }
  }

  /** Each follower's current replicator generation: progress from an older one is stale. */
  private final Map<String, Long> generations = new HashMap<>();

  Leader(NodeContext ctx) {
    super(ctx);
    this.reads = new ReadIndexTracker(ctx, round -> {
      Replicator.ReadRound message = new Replicator.ReadRound(round);
      for (ActorRef<Replicator.Command> r : replicators.values()) r.tell(message);
    });
  }

  @Override
  Map<String, Long> matchIndexes() {
    return Map.copyOf(matchIndex);
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
    syncReplicators(noopIndex);
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
        .onMessageEquals(Internal.TransferTimeout.INSTANCE, this::onTransferTimeout)
        .onMessageEquals(Internal.StepDown.INSTANCE, this::onStepDown)
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
    if (transfer != null) {
      if (held.size() >= ctx.settings.maxWaitingProposals()) {
        ctx.waiting.reject(p, RejectReason.OVERLOADED, "leadership is moving from " + ctx.selfId
            + " and raft.limits.max-waiting-proposals (" + ctx.settings.maxWaitingProposals() + ") are held");
        return this;
      }
      held.add(p); // not appended while leadership moves (dissertation 3.10)
      return this;
    }
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
    ctx.metrics.proposed(entries.size());
    broadcastLog();
    return this;
  }

  private Behavior<RaftNode.Command> onProgress(Internal.ReplicatorProgress progress) {
    if (progress.term() != ctx.currentTerm
        || !Long.valueOf(progress.generation()).equals(generations.get(progress.follower()))) {
      return this; // from a replicator stopped since (the follower left the configuration)
    }
    if (progress.lowered()) matchIndex.put(progress.follower(), progress.matchIndex());
    else matchIndex.merge(progress.follower(), progress.matchIndex(), Math::max);
    maybeCommit();
    maybeSendTimeoutNow();
    return this;
  }

  private Behavior<RaftNode.Command> onInstallProgress(Internal.InstallProgress progress) {
    if (progress.term() != ctx.currentTerm
        || !Long.valueOf(progress.generation()).equals(generations.get(progress.follower()))) {
      return this;
    }
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
    // Majorities of the voters of the latest configuration in the log (dissertation 4.1); a
    // leader being removed manages the cluster but does not count itself.
    long[] matches = new long[ctx.voters.size()];
    int i = 0;
    for (String id : ctx.voters) {
      matches[i++] =
          id.equals(ctx.selfId) ? ctx.journal.durableMatchIndex() : matchIndex.getOrDefault(id, 0L);
    }
    long before = ctx.commitIndex.get();
    long quorumIndex = CommitRules.quorumIndex(matches);
    long next =
        CommitRules.advance(ctx.commitIndex.get(), quorumIndex, ctx.log.view(), ctx.currentTerm);
    if (next > ctx.commitIndex.get()) {
      ctx.advanceCommit(next);
      broadcastLog();
      reads.onCommit();
      long configIndex = ctx.configs.currentIndex();
      if (configIndex > before && configIndex <= next) configurationCommitted();
    }
  }

  /**
   * The latest configuration is committed: members it removed get no more entries, and a leader
   * it removed steps down (dissertation 4.2.2), first telling the most up-to-date voter to take over.
   */
  private void configurationCommitted() {
    syncReplicators(ctx.log.lastIndex());
    if (ctx.isVoter()) return;
    // Removed: hand over like a transfer (hold proposals, bring the successor up to date, tell it
    // to campaign), then step down; without a successor, or if it does not catch up in time, just
    // step down and let the voters elect one.
    if (transfer != null && !ctx.membership().isVoter(transfer.target)) {
      for (var r : transfer.replies) {
        r.tell(new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.INVALID,
            transfer.target + " is no longer a voter", ctx.selfId));
      }
      ctx.timers.cancel(NodeContext.TRANSFER_TIMER);
      transfer = null;
    }
    if (transfer == null) {
      String successor = mostUpToDateVoter();
      if (successor == null) {
        stepDown("removed from the configuration");
        return;
      }
      startTransfer(successor);
    }
    ctx.logger().info("[{}] removed from the configuration; handing over to {}", ctx.selfId, transfer.target);
    transfer.stepDown = true;
    if (transfer.timeoutNowSent) {
      // A transfer under way already told its target to campaign: nothing left to wait for.
      successor = transfer.target;
      stepDown("removed from the configuration; " + transfer.target + " takes over");
    } else {
      maybeSendTimeoutNow();
    }
  }

  private boolean stepDownPending;
  /** Where proposals go once this removed leader stepped down: the voter told to take over. */
  private String successor;

  private void stepDown(String why) {
    if (stepDownPending) return;
    ctx.logger().info("[{}] stepping down in term {}: {}", ctx.selfId, ctx.currentTerm, why);
    stepDownPending = true;
    ctx.actor.getSelf().tell(Internal.StepDown.INSTANCE);
  }

  /** The replicators follow the configuration: every member of the latest and the committed one. */
  private void syncReplicators(long nextIndex) {
    java.util.Set<String> targets = new java.util.LinkedHashSet<>(ctx.membership().members());
    targets.addAll(ctx.configs.at(ctx.commitIndex.get()).members());
    targets.remove(ctx.selfId);
    for (var it = replicators.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (targets.contains(e.getKey())) continue;
      ctx.actor.stop(e.getValue());
      it.remove();
      matchIndex.remove(e.getKey());
      lastHeardNanos.remove(e.getKey());
      installing.remove(e.getKey());
      generations.remove(e.getKey());
    }
    long now = ctx.clock.nanoTime();
    for (String peer : targets) {
      if (replicators.containsKey(peer)) continue;
      matchIndex.put(peer, 0L);
      lastHeardNanos.put(peer, now);
      long generation = ++replicatorSeq;
      generations.put(peer, generation);
      replicators.put(peer, ctx.actor.spawn(
          Replicator.create(new Replicator.Setup(peer, ctx.selfId, ctx.currentTerm, ctx.peers,
              ctx.actor.getSelf(), ctx.settings, ctx.clock, ctx.log.view(), ctx.commitIndex.get(),
              nextIndex, ctx.latestSnapshot, generation)),
          "replicator-" + URLEncoder.encode(peer, StandardCharsets.UTF_8) + "-" + ctx.currentTerm
              + "-" + generation,
          DispatcherSelector.sameAsParent()));
    }
  }

  @Override
  void onMembershipChanged() {
    syncReplicators(ctx.log.lastIndex());
  }

  // ---- membership changes and leadership transfer -----------------------------------------

  @Override
  Behavior<RaftNode.Command> onChangeMembership(io.raftactors.raft.ChangeMembership change) {
    if (transfer != null || stepDownPending) {
      change.replyTo().tell(new io.raftactors.raft.ProposeResult.Rejected(RejectReason.BUSY,
          "leadership is moving away from " + ctx.selfId, null));
      return this;
    }
    long commit = ctx.commitIndex.get();
    // A learner that has not answered lately, or never matched, is not ready, whatever its lag.
    long match = matchIndex.getOrDefault(change.nodeId(), 0L);
    Long heard = lastHeardNanos.get(change.nodeId());
    boolean answering = match > 0 && heard != null
        && ctx.clock.nanoTime() - heard < ctx.settings.electionTimeoutMin().toNanos();
    long lag = answering ? ctx.log.lastIndex() - match : Long.MAX_VALUE;
    MembershipRules.Decision d = MembershipRules.decide(change, ctx.membership(),
        commit > 0 && ctx.log.term(commit) == ctx.currentTerm,
        ctx.configs.currentIndex() <= commit, lag, ctx.settings.promoteMaxLag());
    if (d.next() == null) {
      change.replyTo().tell(new io.raftactors.raft.ProposeResult.Rejected(d.refusal(), d.message(), ctx.selfId));
      return this;
    }
    onFlush(); // proposals that came first are appended first
    LogEntry entry = new LogEntry(ctx.log.lastIndex() + 1, ctx.currentTerm, stamp(),
        io.raftactors.raft.log.EntryKind.CONFIG, d.next().encode());
    ctx.applier.tell(new Applier.Await(entry.index(), entry.term(), change.replyTo()));
    ctx.logger().info("[{}] {} {}: proposing {} at index {}", ctx.selfId, change.kind(),
        change.nodeId(), d.next(), entry.index());
    ctx.appendToLog(List.of(entry)); // in force from now on (membershipChanged syncs replicators)
    broadcastLog();
    maybeCommit();
    return this;
  }

  @Override
  Behavior<RaftNode.Command> onTransferLeadership(io.raftactors.raft.TransferLeadership request) {
    if (transfer != null && request.target() == null) {
      transfer.replies.add(request.replyTo()); // any voter will do: join the transfer under way
      return this;
    }
    String target = request.target() != null ? request.target() : mostUpToDateVoter();
    if (target != null && target.equals(ctx.selfId) && !ctx.isVoter()) {
      request.replyTo().tell(new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.INVALID,
          ctx.selfId + " is being removed from the configuration", ctx.selfId));
      return this;
    }
    if (target == null || target.equals(ctx.selfId)) {
      request.replyTo().tell(target == null
          ? new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.INVALID,
              "there is no other voter to hand leadership to", ctx.selfId)
          : new io.raftactors.raft.TransferResult.Transferred(ctx.currentTerm, ctx.selfId));
      return this;
    }
    if (!ctx.membership().isVoter(target)) {
      request.replyTo().tell(new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.INVALID,
          target + " is not a voter", ctx.selfId));
      return this;
    }
    if (transfer != null) {
      if (transfer.target.equals(target)) {
        transfer.replies.add(request.replyTo());
      } else {
        request.replyTo().tell(new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.BUSY,
            "leadership is already moving to " + transfer.target, ctx.selfId));
      }
      return this;
    }
    startTransfer(target);
    transfer.replies.add(request.replyTo());
    maybeSendTimeoutNow();
    return this;
  }

  /** Stops appending proposals (they are held) until {@code target} takes over or time is up. */
  private void startTransfer(String target) {
    onFlush();
    transfer = new Transfer(target);
    ctx.logger().info("[{}] handing leadership of term {} to {}", ctx.selfId, ctx.currentTerm, target);
    ctx.timers.startSingleTimer(NodeContext.TRANSFER_TIMER, Internal.TransferTimeout.INSTANCE,
        ctx.settings.electionTimeoutMax());
  }

  /** Once the target holds the whole log, it is told to campaign. */
  private void maybeSendTimeoutNow() {
    if (transfer == null || transfer.timeoutNowSent) return;
    if (matchIndex.getOrDefault(transfer.target, 0L) < ctx.log.lastIndex()) return;
    transfer.timeoutNowSent = true;
    // The target may now win without the voters' usual wait after hearing from this leader: the
    // lease that LEASE reads rely on no longer holds, for the rest of this term.
    reads.revokeLease();
    ctx.send(transfer.target, new io.raftactors.raft.protocol.TimeoutNow(ctx.currentTerm, ctx.selfId));
    if (transfer.stepDown) {
      successor = transfer.target;
      stepDown("removed from the configuration; " + transfer.target + " takes over");
    }
  }

  /**
   * A removed leader leaves. Transfers it accepted are answered here: it will not hear of the next
   * term (it is no longer sent anything), so "handed to the successor" is all it can tell. What
   * arrives afterwards goes to the successor (it leads next, or forwards); the hint does not count
   * as contact with a leader.
   */
  private Behavior<RaftNode.Command> onStepDown() {
    if (transfer != null && transfer.timeoutNowSent) {
      for (var r : transfer.replies) {
        r.tell(new io.raftactors.raft.TransferResult.Transferred(ctx.currentTerm, transfer.target));
      }
      transfer.replies.clear();
    }
    Behavior<RaftNode.Command> next = ctx.roles.becomeFollower(ctx.currentTerm, null);
    if (successor != null) {
      ctx.leaderId = successor;
      ctx.waiting.forwardIfLeaderKnown();
    }
    return next;
  }

  private Behavior<RaftNode.Command> onTransferTimeout() {
    if (transfer == null) return this;
    if (transfer.stepDown) {
      successor = transfer.target; // the most up-to-date voter: the best place to send proposals
      stepDown("removed from the configuration; " + transfer.target + " did not catch up in time");
      return this;
    }
    String message = transfer.target + " did not take over within " + ctx.settings.electionTimeoutMax()
        + (transfer.timeoutNowSent ? "" : " (it did not catch up)");
    ctx.logger().warn("[{}] leadership transfer failed: {}", ctx.selfId, message);
    for (var r : transfer.replies) {
      r.tell(new io.raftactors.raft.TransferResult.NotTransferred(RejectReason.BUSY, message, ctx.selfId));
    }
    transfer = null;
    List<Propose> resume = new ArrayList<>(held);
    held.clear();
    for (Propose p : resume) onPropose(p);
    return this;
  }

  /** The voter (other than this node) whose log matches the leader's furthest, or null. */
  private String mostUpToDateVoter() {
    String best = null;
    long bestMatch = -1;
    for (String id : ctx.peerIds) {
      long m = matchIndex.getOrDefault(id, 0L);
      if (m > bestMatch) {
        best = id;
        bestMatch = m;
      }
    }
    return best;
  }

  private Behavior<RaftNode.Command> onCheckQuorum() {
    long now = ctx.clock.nanoTime();
    long window = ctx.settings.electionTimeoutMin().toNanos();
    int heard = ctx.isVoter() ? 1 : 0;
    for (String id : ctx.peerIds) {
      Long last = lastHeardNanos.get(id);
      if (last != null && now - last < window) heard++;
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
    ctx.timers.cancel(NodeContext.TRANSFER_TIMER);
    reads.failAll();
    if (transfer != null) {
      ctx.transferTerm = ctx.currentTerm; // answered once the next role knows whether a term began
      ctx.transferWaiters.addAll(transfer.replies);
      transfer = null;
    }
    for (Propose p : held) ctx.waiting.route(p);
    held.clear();
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
