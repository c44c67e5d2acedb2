package io.raftactors.raft.node;

import io.raftactors.raft.Read;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.protocol.ReadIndexResponse;
import io.raftactors.raft.rules.CommitRules;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The leader's side of linearizable and lease reads (Raft dissertation 6.4).
 *
 * <p>Reads are grouped in <em>rounds</em>: every AppendEntries carries the newest round number,
 * every answer of the current term echoes it. A read that arrives gets the commit index of that
 * moment as its read index and needs a round sent after it arrived; it is served once a
 * majority, this leader included, has echoed that round, which proves that nobody else led at
 * that moment. Batching: reads that arrive together share one round, and reads that arrive while
 * a round is in flight wait for it to finish and then share the next one, so one heartbeat
 * round per round trip confirms any number of reads. Reads wait until the leader has committed an
 * entry of its own term (its no-op), before which its commit index may be behind.
 *
 * <p>Lease: the leader also starts a round every heartbeat interval. Once a majority echoed round
 * R, allocated at time t, no other leader can be elected before {@code t + election-timeout-min}
 * (with check-quorum, members that heard from a leader ignore vote requests that long). Until
 * {@code t + election-timeout-min × (1 - lease-clock-drift)}, LEASE reads skip the round. A
 * leader that hands leadership over (TimeoutNow) gives the lease up for the rest of its term: the
 * voters consider a transfer candidate at once ({@link #revokeLease}).
 */
final class ReadIndexTracker {
  /** Who waits for a read index: a local read, or a follower that asked. */
  private sealed interface Waiter {}

  private record LocalRead(Read read) implements Waiter {}

  private record RemoteRead(String from, long id) implements Waiter {}

  /** A read that a majority echo of {@code round} (or later) confirms. */
  private record Pending(long round, long index, Waiter waiter, long deadlineNanos) {}

  private record Round(long number, long startNanos) {}

  private final NodeContext ctx;
  private final LongConsumer announceRound;
  private final Map<String, Long> echoed = new HashMap<>();
  private final ArrayDeque<Round> rounds = new ArrayDeque<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final List<Waiter> awaitingTermCommit = new ArrayList<>();
  private long round;
  private boolean roundOpen;
  private long confirmedRound;
  private long leaseStartNanos;

  /** @param announceRound tells every replicator about a new round */
  ReadIndexTracker(NodeContext ctx, LongConsumer announceRound) {
    this.ctx = ctx;
    this.announceRound = announceRound;
  }

  void onRead(Read read) {
    if (read.consistency() == ReadConsistency.STALE) {
      ctx.applier.tell(new Applier.ReadAt(0, read.query(), read.replyTo(), 0));
    } else {
      request(new LocalRead(read), read.consistency() == ReadConsistency.LEASE);
    }
  }

  void onRemoteRequest(String from, long id, boolean lease) {
    request(new RemoteRead(from, id), lease);
  }

  private void request(Waiter waiter, boolean lease) {
    if (!committedInCurrentTerm()) {
      awaitingTermCommit.add(waiter);
    } else if (lease && leaseValid()) {
      complete(waiter, ctx.commitIndex.get());
    } else {
      long deadline = ctx.clock.nanoTime() + ctx.settings.readTimeout().toNanos();
      // An open round is not sent yet: it still proves leadership after this read arrived.
      long required = roundOpen ? round : round + 1;
      pending.add(new Pending(required, ctx.commitIndex.get(), waiter, deadline));
      if (!roundOpen && confirmedRound >= round) openRound(); // nothing in flight: go now
      confirm();
    }
  }

  /** Opens a round that reads arriving until the mailbox is drained join; then it is sent. */
  private void openRound() {
    startRound();
    roundOpen = true;
    ctx.actor.getSelf().tell(Internal.FlushReadRound.INSTANCE);
  }

  private void startRound() {
    round++;
    rounds.add(new Round(round, ctx.clock.nanoTime()));
  }

  void onFlushRound() {
    roundOpen = false;
    announceRound.accept(round);
  }

  /** Every heartbeat interval: a round that renews the lease; expires reads that waited too long. */
  void onTick() {
    if (!roundOpen) {
      startRound();
      announceRound.accept(round);
    }
    long now = ctx.clock.nanoTime();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.deadlineNanos() - now <= 0) {
        it.remove();
        fail(p.waiter(), ReadResult.Reason.TIMEOUT,
            "leader " + ctx.selfId + " could not confirm its leadership within raft.read.timeout");
      }
    }
  }

  /** A follower of this term echoed {@code echoedRound}. */
  void onEcho(String follower, long echoedRound) {
    if (echoedRound > echoed.getOrDefault(follower, 0L)) {
      echoed.put(follower, echoedRound);
      confirm();
    }
  }

  /** The commit index moved: reads that waited for the leader's first commit may go ahead. */
  void onCommit() {
    if (awaitingTermCommit.isEmpty() || !committedInCurrentTerm()) return;
    List<Waiter> waiting = new ArrayList<>(awaitingTermCommit);
    awaitingTermCommit.clear();
    for (Waiter w : waiting) request(w, false);
  }

  private void confirm() {
    long[] rounds = new long[ctx.voters.size()];
    int i = 0;
    // The voters of the configuration in force (one server changes at a time, so any majority of
    // it overlaps any majority of the one before); learners echo too, but never count.
    for (String id : ctx.voters) rounds[i++] = id.equals(ctx.selfId) ? round : echoed.getOrDefault(id, 0L);
    long quorumRound = CommitRules.quorumIndex(rounds);
    if (quorumRound <= confirmedRound) return;
    confirmedRound = quorumRound;
    while (!this.rounds.isEmpty() && this.rounds.peek().number() <= quorumRound) {
      leaseStartNanos = this.rounds.poll().startNanos();
    }
    while (!pending.isEmpty() && pending.peek().round() <= confirmedRound) {
      Pending p = pending.poll();
      complete(p.waiter(), p.index());
    }
    // Reads that arrived while the round was in flight go in the next one.
    if (!pending.isEmpty() && pending.peekLast().round() > round && !roundOpen) openRound();
  }

  /**
   * This leader told another voter to campaign at once (TimeoutNow): voters may now elect it
   * without the usual wait after hearing from this leader, so the lease no longer holds. For the
   * rest of the term, LEASE reads are confirmed by a heartbeat round like LINEARIZABLE ones.
   */
  void revokeLease() {
    leaseRevoked = true;
  }

  private boolean leaseRevoked;

  private boolean leaseValid() {
    if (!ctx.settings.checkQuorum() || confirmedRound == 0 || leaseRevoked) return false;
    double lease = ctx.settings.electionTimeoutMin().toNanos() * (1 - ctx.settings.leaseClockDrift());
    return ctx.clock.nanoTime() - leaseStartNanos < (long) lease;
  }

  private boolean committedInCurrentTerm() {
    long commit = ctx.commitIndex.get();
    return commit > 0 && ctx.log.term(commit) == ctx.currentTerm;
  }

  private void complete(Waiter waiter, long index) {
    if (waiter instanceof LocalRead l) {
      ctx.applier.tell(new Applier.ReadAt(index, l.read().query(), l.read().replyTo(), 0));
    } else if (waiter instanceof RemoteRead r) {
      ctx.send(r.from(), new ReadIndexResponse(ctx.selfId, r.id(), index, true, null));
    }
  }

  private void fail(Waiter waiter, ReadResult.Reason reason, String message) {
    if (waiter instanceof LocalRead l) {
      l.read().replyTo().tell(new ReadResult.Failed(reason, message, null));
    } else if (waiter instanceof RemoteRead r) {
      ctx.send(r.from(), new ReadIndexResponse(ctx.selfId, r.id(), 0, false, message));
    }
  }

  /** Leadership ended: every waiting read fails (it had no effect; the reader may retry). */
  void failAll() {
    String message = ctx.selfId + " stopped leading term " + ctx.currentTerm;
    for (Pending p : pending) fail(p.waiter(), ReadResult.Reason.NO_LEADER, message);
    for (Waiter w : awaitingTermCommit) fail(w, ReadResult.Reason.NO_LEADER, message);
    pending.clear();
    awaitingTermCommit.clear();
  }
}
