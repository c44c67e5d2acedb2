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
 * </pre>
 *
 * Heartbeats (no entries, {@code prevLogIndex = matchIndex}) go out when nothing else was sent for
 * a heartbeat interval; they carry the commit index and can never be rejected by a follower that
 * kept what it acknowledged.
 */
final class Replicator extends AbstractBehavior<Replicator.Command> {

  sealed interface Command permits LogUpdated, FollowerResponse, ReadRound, Tick, Flush {}

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
      long nextIndex) {}

  private enum Mode {
    PROBE,
    REPLICATE
  }

  private record InFlight(long lastIndex, long bytes, long sentNanos) {}

  private final Setup setup;
  private final RaftSettings settings;
  private final long heartbeatNanos;
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
    this.setup = setup;
    this.settings = setup.settings();
    this.heartbeatNanos = settings.heartbeatInterval().toNanos();
    this.log = setup.log();
    this.commitIndex = setup.commitIndex();
    this.nextIndex = setup.nextIndex();
    this.lastResponseNanos = setup.clock().nanoTime();
    this.backoffNanos = heartbeatNanos;
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
            .tell(new Internal.ReplicatorProgress(setup.followerId(), setup.term(), matchIndex));
      }
      if (mode == Mode.PROBE && r.matchIndex() >= nextIndex - 1) {
        becomeReplicate();
      } else if (mode == Mode.REPLICATE) {
        while (!inFlight.isEmpty() && inFlight.peek().lastIndex() <= matchIndex) {
          inFlightBytes -= inFlight.poll().bytes();
        }
        if (nextIndex <= matchIndex) nextIndex = matchIndex + 1;
      }
    } else if (isCurrentRejection(r)) {
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
    boolean reachable = now - lastResponseNanos < settings.electionTimeoutMax().toNanos();
    long interval = reachable ? heartbeatNanos : backoffNanos;
    if (mode == Mode.REPLICATE
        && !inFlight.isEmpty()
        && now - inFlight.peek().sentNanos() > settings.resendTimeout().toNanos()) {
      becomeProbe(matchIndex + 1); // presumed lost: start again from what the follower holds
    }
    if (mode == Mode.PROBE && probeOutstanding && now - probeSentNanos >= interval) {
      probeOutstanding = false;
    }
    long sentBefore = lastSendNanos;
    maybeSend();
    if (now - lastSendNanos >= interval) sendHeartbeat();
    if (!reachable && lastSendNanos != sentBefore) {
      backoffNanos = Math.min(backoffNanos * 2, settings.maxBackoff().toNanos());
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
    if (mode == Mode.PROBE) {
      if (probeOutstanding) return;
      sendAppend(settings.maxBytesPerAppend());
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

  /** Sends entries from nextIndex (possibly none) and returns them. */
  private List<LogEntry> sendAppend(long maxBytes) {
    long prev = nextIndex - 1;
    List<LogEntry> entries = log.slice(nextIndex, settings.maxEntriesPerAppend(), maxBytes);
    send(new AppendEntries(
        setup.term(), setup.leaderId(), prev, log.term(prev), entries, commitIndex, readRound));
    commitSent = Math.max(commitSent, Math.min(commitIndex, prev + entries.size()));
    return entries;
  }

  private void sendHeartbeat() {
    send(new AppendEntries(setup.term(), setup.leaderId(), matchIndex, log.term(matchIndex),
        List.of(), commitIndex, readRound));
    commitSent = Math.max(commitSent, Math.min(commitIndex, matchIndex));
  }

  private void send(AppendEntries message) {
    setup.peers().ref(setup.followerId()).tell(message);
    lastSendNanos = now();
    roundToSend = false;
  }

  private long now() {
    return setup.clock().nanoTime();
  }
}
