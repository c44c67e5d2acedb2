package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftClock;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.LogView;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.AppendResponse;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.InstallSnapshotResponse;
import io.raftactors.raft.snapshot.SnapshotReader;
import io.raftactors.raft.snapshot.SnapshotStore;
import akka.actor.typed.DispatcherSelector;
import io.raftactors.raft.rules.ReplicationRules;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The leader's replication to one follower for one term (a child of the leader's RaftNode). Owns
 * the follower's nextIndex and matchIndex and reports match progress to the leader.
 *
 * <pre>
 *            success at the probe point
 *   PROBE  ---------------------------->  REPLICATE
 *   one AppendEntries in flight,          up to max-inflight-appends / -bytes in flight,
 *   resent after a heartbeat interval     nextIndex advanced optimistically
 *   (with back-off when unreachable)
 *          <----------------------------
 *            rejection, or an append unanswered for resend-timeout
 *
 *   PROBE or REPLICATE, when the follower needs an entry the leader compacted away:
 *   SNAPSHOT   the newest snapshot file streamed in chunks (install.chunk-size), at most
 *              install.max-inflight-chunks unacknowledged; chunks unanswered for resend-timeout
 *              are resent from the follower's last acknowledged offset; once installed, PROBE
 *              from the snapshot's index + 1
 * </pre>
 *
 * Heartbeats (no entries, {@code prevLogIndex = matchIndex}) go out when nothing else was sent for
 * a heartbeat interval; they carry the commit index and can never be rejected by a follower that
 * kept what it acknowledged.
 */
final class Replicator extends AbstractBehavior<Replicator.Command> {

  sealed interface Command
      permits LogUpdated, FollowerResponse, ReadRound, Tick, Flush, SnapshotAvailable, InstallResponse,
          ReaderReply {}

  /** The leader saved a newer snapshot: send this one to followers that need one from now on. */
  record SnapshotAvailable(SnapshotStore.Meta meta) implements Command {}

  /** The follower answered an InstallSnapshot chunk. */
  record InstallResponse(InstallSnapshotResponse response) implements Command {}

  private record ReaderReply(SnapshotReader.Reply reply) implements Command {}

  /** The leader's log or commit index moved. */
  record LogUpdated(LogView log, long commitIndex) implements Command {}

  /** The follower answered an AppendEntries. */
  record FollowerResponse(AppendResponse response) implements Command {}

  /** The leader started read round {@code round}: carry it to the follower promptly. */
  record ReadRound(long round) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Sends what accumulated; queued behind the updates already in the mailbox (batching). */
  private enum Flush implements Command {
    INSTANCE
  }

  record Setup(
      String followerId,
      String leaderId,
      long term,
      Peers peers,
      ActorRef<RaftNode.Command> leader,
      RaftSettings settings,
      RaftClock clock,
      LogView log,
      long commitIndex,
      long nextIndex,
      SnapshotStore.Meta snapshot,
      long generation) {}

  private enum Mode {
    PROBE,
    REPLICATE,
    /** The follower needs entries the leader compacted: it is sent the newest snapshot. */
    SNAPSHOT
  }

  private record InFlight(long lastIndex, long bytes, long sentNanos) {}

  private static final long PROGRESS_LOG_NANOS = 2_000_000_000L;

  private final Setup setup;
  private final RaftSettings settings;
  private final long heartbeatNanos;
  /** Longest interval between probes of a silent follower: max-backoff, at least a heartbeat interval. */
  private final long maxBackoffNanos;
  private LogView log;
  private long commitIndex;

  private Mode mode = Mode.PROBE;
  private long nextIndex;
  /** Highest index the follower acknowledged as durable in this term; only grows. */
  private long matchIndex;
  /** Highest commit index the follower was told that it can act on. */
  private long commitSent;

  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private long inFlightBytes;
  private boolean probeOutstanding;
  private long probeSentNanos;

  private boolean flushScheduled;
  /** The newest read round; every AppendEntries carries it. */
  private long readRound;
  private boolean roundToSend;
  private long lastSendNanos;
  private long lastResponseNanos;
  private long backoffNanos;

  private SnapshotStore.Meta latestSnapshot;
  private final ActorRef<SnapshotReader.Reply> readerReplies;
  /** The transfer in progress (mode SNAPSHOT). */
  private SnapshotStore.Meta sending;
  private ActorRef<SnapshotReader.Command> reader;
  private int transfers;
  /** Bytes the follower acknowledged as written; bytes sent. */
  private long ackedOffset;
  private long sentOffset;
  private boolean readOutstanding;
  private long readOffset;
  private long transferStartNanos;
  private long lastProgressNanos;
  private long nextProgressLogNanos;
  /** After a failed transfer, the next one waits until then. */
  private long snapshotRetryNanos;
  /** AppendEntries sent with entries (heartbeats aside) and the entries they carried, logged when this replicator stops. */
  private long appendsSent;
  private long entriesSent;
  /** The node's histogram of entries per AppendEntries (all followers, heartbeats aside). */
  private final io.raftactors.raft.metrics.Histogram entriesPerAppend;
  /** The node's counters of messages sent to this follower. */
  private final MessageCounters.To toFollower;

  static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      Tick.INSTANCE, setup.settings().heartbeatInterval().dividedBy(2));
                  return new Replicator(ctx, setup);
                }));
  }

  private Replicator(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    ctx.setLoggerName(Replicator.class);
    this.setup = setup;
    this.settings = setup.settings();
    this.heartbeatNanos = settings.heartbeatInterval().toNanos();
    this.maxBackoffNanos = Math.max(heartbeatNanos, settings.maxBackoff().toNanos());
    this.log = setup.log();
    this.commitIndex = setup.commitIndex();
    this.nextIndex = setup.nextIndex();
    this.lastResponseNanos = setup.clock().nanoTime();
    this.backoffNanos = heartbeatNanos;
    this.latestSnapshot = setup.snapshot();
    this.readerReplies = ctx.messageAdapter(SnapshotReader.Reply.class, ReaderReply::new);
    this.snapshotRetryNanos = setup.clock().nanoTime();
    io.raftactors.raft.metrics.MetricRegistry metrics =
        io.raftactors.raft.metrics.RaftMetrics.get(ctx.getSystem()).node(setup.leaderId());
    this.toFollower = new MessageCounters(metrics).to(setup.followerId());
    this.entriesPerAppend = metrics.histogram("raft_append_entries_batch_entries",
            "Log entries one AppendEntries carried to a follower (heartbeats aside).",
            io.raftactors.raft.metrics.Histogram.powersOfTwo(16), 1);
    maybeSend();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LogUpdated.class, this::onLogUpdated)
        .onMessage(FollowerResponse.class, r -> onResponse(r.response()))
        .onMessage(ReadRound.class, this::onReadRound)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessage(SnapshotAvailable.class, this::onSnapshotAvailable)
        .onMessage(InstallResponse.class, r -> onInstallResponse(r.response()))
        .onMessage(ReaderReply.class, r -> onReaderReply(r.reply()))
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          if (entriesSent > 0) {
            getContext().getLog().info("[{}] replicator to {} in term {}: {} AppendEntries carried {} entries ({} per message, heartbeats aside)",
                setup.leaderId(), setup.followerId(), setup.term(), appendsSent, entriesSent,
                String.format(java.util.Locale.ROOT, "%.1f", (double) entriesSent / appendsSent));
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onLogUpdated(LogUpdated update) {
    log = update.log();
    commitIndex = update.commitIndex();
    scheduleFlush();
    return this;
  }

  /**
   * Defers sending until the messages already queued for this actor are handled, so that every
   * update and answer that arrived together leads to one AppendEntries carrying all of them.
   */
  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
  }

  private Behavior<Command> onReadRound(ReadRound r) {
    if (r.round() > readRound) {
      readRound = r.round();
      roundToSend = true;
      scheduleFlush();
    }
    return this;
  }

  private Behavior<Command> onFlush() {
    flushScheduled = false;
    long sentBefore = lastSendNanos;
    maybeSend();
    boolean sent = lastSendNanos != sentBefore;
    if (!sent && roundToSend) {
      sendHeartbeat(); // carries the read round, so waiting reads are confirmed at once
    } else if (mode == Mode.REPLICATE && commitIndex > commitSent && matchIndex > commitSent) {
      sendHeartbeat(); // tells an idle, caught-up follower the new commit index at once
    }
    return this;
  }

  private Behavior<Command> onResponse(AppendResponse r) {
    long now = now();
    lastResponseNanos = now;
    backoffNanos = heartbeatNanos;
    if (r.success()) {
      if (r.matchIndex() > matchIndex) {
        matchIndex = r.matchIndex();
        setup.leader()
            .tell(new Internal.ReplicatorProgress(setup.followerId(), setup.term(), setup.generation(), matchIndex));
      }
      if (mode == Mode.SNAPSHOT) {
        // heartbeats during a transfer: only the match index matters
      } else if (mode == Mode.PROBE && r.matchIndex() >= nextIndex - 1) {
        becomeReplicate();
      } else if (mode == Mode.REPLICATE) {
        while (!inFlight.isEmpty() && inFlight.peek().lastIndex() <= matchIndex) {
          inFlightBytes -= inFlight.poll().bytes();
        }
        if (nextIndex <= matchIndex) nextIndex = matchIndex + 1;
      }
    } else if (mode != Mode.SNAPSHOT && r.rejectedIndex() <= matchIndex && r.lastLogIndex() < matchIndex) {
      // It rejects an index it acknowledged in this term: its storage was wiped (a replaced
      // disk) or lost acknowledged writes. Start over from what it holds (by snapshot if that is
      // compacted), and stop counting it for the entries it lost.
      getContext().getLog().warn("[{}] {} no longer holds entries it acknowledged (its log ends at {}, it had "
          + "acknowledged {}); replicating to it again from there", setup.leaderId(), setup.followerId(),
          r.lastLogIndex(), matchIndex);
      // What it still holds is not known to match (a partial loss may leave an older term's
      // tail): no match is assumed, and probing backtracks from its last index as usual.
      matchIndex = 0;
      setup.leader().tell(new Internal.ReplicatorProgress(setup.followerId(), setup.term(), setup.generation(), 0, true));
      becomeProbe(Math.max(1, r.lastLogIndex() + 1));
    } else if (mode != Mode.SNAPSHOT && isCurrentRejection(r)) {
      long next =
          ReplicationRules.nextIndexAfterReject(
              log, matchIndex, r.rejectedIndex(), r.hintIndex(), r.hintTerm());
      becomeProbe(next);
    }
    scheduleFlush();
    return this;
  }

  /** A rejection answers the current probe, or (replicating) an append beyond the match index. */
  private boolean isCurrentRejection(AppendResponse r) {
    if (mode == Mode.PROBE) return r.rejectedIndex() == nextIndex - 1;
    return r.rejectedIndex() > matchIndex;
  }

  private Behavior<Command> onTick() {
    long now = now();
    boolean reachable = reachable(now);
    long interval = reachable ? heartbeatNanos : backoffNanos;
    if (mode == Mode.REPLICATE
        && !inFlight.isEmpty()
        && now - inFlight.peek().sentNanos() > settings.resendTimeout().toNanos()) {
      becomeProbe(matchIndex + 1); // presumed lost: start again from what the follower holds
    }
    if (mode == Mode.PROBE && probeOutstanding && now - probeSentNanos >= interval) {
      probeOutstanding = false;
    }
    if (mode == Mode.SNAPSHOT && !reachable) {
      getContext().getLog().info("[{}] {} stopped answering; abandoning the transfer of snapshot {} at {} of {} bytes",
          setup.leaderId(), setup.followerId(), sending.index(), ackedOffset, sending.bytes());
      endSnapshot(matchIndex + 1, 0);
    }
    if (mode == Mode.SNAPSHOT && sentOffset > ackedOffset
        && now - lastProgressNanos > Math.max(settings.resendTimeout().toNanos(), backoffNanos)) {
      sentOffset = ackedOffset; // chunks presumed lost: resend from what the follower has
      lastProgressNanos = now;
    }
    long sentBefore = lastSendNanos;
    maybeSend();
    if (now - lastSendNanos >= interval) sendHeartbeat();
    if (!reachable && lastSendNanos != sentBefore) {
      backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
    }
    return this;
  }

  private void becomeProbe(long next) {
    mode = Mode.PROBE;
    nextIndex = next;
    inFlight.clear();
    inFlightBytes = 0;
    probeOutstanding = false;
  }

  private void becomeReplicate() {
    mode = Mode.REPLICATE;
    nextIndex = matchIndex + 1;
    inFlight.clear();
    inFlightBytes = 0;
    probeOutstanding = false;
  }

  private void maybeSend() {
    if (mode == Mode.SNAPSHOT) {
      pumpSnapshot();
      return;
    }
    if (nextIndex - 1 < log.snapshotIndex()) {
      // Only to a follower that answers: a transfer holds back the leader's compaction, which a
      // dead follower must not do. Heartbeats go on meanwhile; the follower's first answer starts it.
      if (reachable(now())) startSnapshot();
      return;
    }
    if (mode == Mode.PROBE) {
      if (probeOutstanding) return;
      // A follower that stopped answering is asked only whether it is back (no entries): it is
      // probed often, so that a restarted follower catches up at once, and that must cost little.
      sendAppend(reachable(now()) ? settings.maxBytesPerAppend() : 0);
      probeOutstanding = true;
      probeSentNanos = lastSendNanos;
      return;
    }
    while (nextIndex <= log.lastIndex()
        && inFlight.size() < settings.maxInflightAppends()
        && inFlightBytes < settings.maxInflightBytes()) {
      long room = Math.min(settings.maxBytesPerAppend(), settings.maxInflightBytes() - inFlightBytes);
      List<LogEntry> sent = sendAppend(room);
      long bytes = 0;
      for (LogEntry e : sent) bytes += e.sizeInBytes();
      long last = sent.get(sent.size() - 1).index();
      inFlight.add(new InFlight(last, bytes, lastSendNanos));
      inFlightBytes += bytes;
      nextIndex = last + 1;
    }
  }

  /** Sends entries from nextIndex (none when {@code maxBytes} is 0) and returns them. */
  private List<LogEntry> sendAppend(long maxBytes) {
    long prev = nextIndex - 1;
    List<LogEntry> entries = maxBytes == 0 ? List.of() : log.slice(nextIndex, settings.maxEntriesPerAppend(), maxBytes);
    send(new AppendEntries(
        setup.term(), setup.leaderId(), prev, log.term(prev), entries, commitIndex, readRound));
    commitSent = Math.max(commitSent, Math.min(commitIndex, prev + entries.size()));
    return entries;
  }

  private void sendHeartbeat() {
    // Below the compacted prefix the leader no longer knows terms; a follower behind it rejects
    // this (it is being sent a snapshot), but still hears from the leader and echoes the round.
    long prev = Math.max(matchIndex, log.snapshotIndex());
    send(new AppendEntries(setup.term(), setup.leaderId(), prev, log.term(prev),
        List.of(), commitIndex, readRound));
    commitSent = Math.max(commitSent, Math.min(commitIndex, matchIndex));
  }

  // ---- InstallSnapshot --------------------------------------------------------------------

  private Behavior<Command> onSnapshotAvailable(SnapshotAvailable available) {
    if (latestSnapshot == null || available.meta().index() > latestSnapshot.index()) {
      latestSnapshot = available.meta();
    }
    scheduleFlush();
    return this;
  }

  private void startSnapshot() {
    if (now() - snapshotRetryNanos < 0 || reader != null) return;
    if (latestSnapshot == null || latestSnapshot.index() < log.snapshotIndex()) {
      getContext().getLog().error("[{}] {} needs entry {}, compacted away, but no snapshot covers it",
          setup.leaderId(), setup.followerId(), nextIndex);
      snapshotRetryNanos = now() + snapshotRetryNanos();
      return;
    }
    mode = Mode.SNAPSHOT;
    inFlight.clear();
    inFlightBytes = 0;
    probeOutstanding = false;
    sending = latestSnapshot;
    reader = getContext().spawn(SnapshotReader.create(sending), "snapshot-reader-" + (++transfers),
        DispatcherSelector.fromConfig(settings.snapshotDispatcher()));
    ackedOffset = 0;
    sentOffset = 0;
    readOutstanding = false;
    transferStartNanos = now();
    lastProgressNanos = transferStartNanos;
    nextProgressLogNanos = transferStartNanos + PROGRESS_LOG_NANOS;
    setup.leader().tell(new Internal.InstallProgress(setup.followerId(), setup.term(), setup.generation(), sending.index(), false));
    getContext().getLog().info("[{}] {} needs entry {}, which is compacted: sending snapshot {} ({} bytes)",
        setup.leaderId(), setup.followerId(), nextIndex, sending.index(), sending.bytes());
    pumpSnapshot();
  }

  /** Reads the next chunk while the window has room (one read at a time). */
  private void pumpSnapshot() {
    if (readOutstanding || sentOffset >= sending.bytes()) return;
    if (sentOffset - ackedOffset >= (long) settings.installChunkBytes() * settings.installMaxInflightChunks()) {
      return;
    }
    readOutstanding = true;
    readOffset = sentOffset;
    reader.tell(new SnapshotReader.Read(sentOffset, settings.installChunkBytes(), readerReplies));
  }

  private Behavior<Command> onReaderReply(SnapshotReader.Reply reply) {
    if (mode != Mode.SNAPSHOT) return this;
    if (reply instanceof SnapshotReader.Failed f) {
      if (!f.meta().equals(sending)) return this; // from the reader of an ended transfer
      getContext().getLog().error("[{}] cannot send snapshot {} to {}: {}", setup.leaderId(),
          sending.index(), setup.followerId(), f.reason());
      endSnapshot(matchIndex + 1, snapshotRetryNanos());
      return this;
    }
    SnapshotReader.Chunk c = (SnapshotReader.Chunk) reply;
    if (!readOutstanding || !c.meta().equals(sending) || c.offset() != readOffset) return this;
    readOutstanding = false;
    if (c.offset() == sentOffset) {
      InstallSnapshot chunk = new InstallSnapshot(setup.term(), setup.leaderId(),
          sending.index(), sending.term(), c.offset(), sending.bytes(), c.bytes());
      if (setup.peers().trySend(setup.followerId(), chunk)) toFollower.count(chunk);
      sentOffset += c.bytes().length;
    }
    pumpSnapshot();
    return this;
  }

  private Behavior<Command> onInstallResponse(InstallSnapshotResponse r) {
    long now = now();
    lastResponseNanos = now;
    backoffNanos = heartbeatNanos;
    if (mode != Mode.SNAPSHOT || r.snapshotIndex() != sending.index() || r.snapshotTerm() != sending.term()) {
      return this; // about a transfer that ended
    }
    switch (r.status()) {
      case ACCEPTED -> {
        if (r.nextOffset() > ackedOffset) {
          ackedOffset = Math.min(r.nextOffset(), sentOffset);
          lastProgressNanos = now;
          logProgress(now);
        }
        pumpSnapshot();
      }
      case RESEND -> {
        ackedOffset = Math.min(r.nextOffset(), sending.bytes());
        sentOffset = ackedOffset;
        lastProgressNanos = now;
        pumpSnapshot();
      }
      case INSTALLED -> {
        getContext().getLog().info("[{}] {} installed snapshot {} ({} bytes in {} ms)", setup.leaderId(),
            setup.followerId(), sending.index(), sending.bytes(), (now - transferStartNanos) / 1_000_000);
        if (r.snapshotIndex() > matchIndex) {
          matchIndex = r.snapshotIndex();
          setup.leader()
              .tell(new Internal.ReplicatorProgress(setup.followerId(), setup.term(), setup.generation(), matchIndex));
        }
        endSnapshot(matchIndex + 1, 0);
        scheduleFlush();
      }
      case FAILED -> {
        getContext().getLog().warn("[{}] {} could not install snapshot {}; trying again later",
            setup.leaderId(), setup.followerId(), sending.index());
        endSnapshot(matchIndex + 1, snapshotRetryNanos());
      }
    }
    return this;
  }

  private void logProgress(long now) {
    if (now - nextProgressLogNanos < 0) return;
    nextProgressLogNanos = now + PROGRESS_LOG_NANOS;
    getContext().getLog().info("[{}] sending snapshot {} to {}: {} of {} bytes ({}%)", setup.leaderId(),
        sending.index(), setup.followerId(), ackedOffset, sending.bytes(), ackedOffset * 100 / sending.bytes());
  }

  /** Ends the transfer; replication goes on by probing from {@code next}, after {@code retryDelayNanos}. */
  private void endSnapshot(long next, long retryDelayNanos) {
    getContext().stop(reader);
    reader = null;
    setup.leader().tell(new Internal.InstallProgress(setup.followerId(), setup.term(), setup.generation(), sending.index(), true));
    sending = null;
    readOutstanding = false;
    snapshotRetryNanos = now() + retryDelayNanos;
    becomeProbe(next);
  }

  private void send(AppendEntries message) {
    if (!message.entries().isEmpty()) {
      appendsSent++;
      entriesSent += message.entries().size();
      entriesPerAppend.observe(message.entries().size());
    }
    // unreachable: lost, like a dropped packet
    if (setup.peers().trySend(setup.followerId(), message)) toFollower.count(message);
    lastSendNanos = now();
    roundToSend = false;
  }

  /** How long a failed or impossible snapshot transfer waits before the next try: an election timeout. */
  private long snapshotRetryNanos() {
    return settings.electionTimeoutMax().toNanos();
  }

  /** Whether the follower answered anything within the maximum election timeout. */
  private boolean reachable(long now) {
    return now - lastResponseNanos < settings.electionTimeoutMax().toNanos();
  }

  private long now() {
    return setup.clock().nanoTime();
  }
}
