package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.LogView;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.snapshot.SnapshotStore;
import io.raftactors.raft.snapshot.SnapshotWriter;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Applies committed entries to the {@link StateMachine}, in log order, each exactly once per
 * incarnation, off the Raft actor; answers the proposers waiting on them; reports progress to the
 * node. A child of the RaftNode.
 *
 * <p>With a snapshot store, it also takes snapshots (see {@link SnapshotTaker}) and restores them
 * ({@link Restore}).
 *
 * <p>A proposer waits on (index, term): when the entry applied at that index has that term, it
 * gets the state machine's result; when another entry was committed there, its command certainly
 * did not take effect (only one entry is ever committed at an index).
 */
final class Applier extends AbstractBehavior<Applier.Command> {

  sealed interface Command
      permits CommitTo, Await, FailPendingAbove, ReadAt, ExpireReads, Continue, Restore, WriterReply,
          RestoreDone, WriteSnapshotPart {}

  /** The snapshot being written may write its next part (after a pause for its write rate). */
  enum WriteSnapshotPart implements Command {
    INSTANCE
  }

  /**
   * Replace the state machine's state by snapshot {@code meta} (verified; installed from a leader,
   * or the node's newest at start). The restore reads the file on the blocking-I/O dispatcher;
   * meanwhile nothing is applied and no read is served, so no one sees a partly restored state.
   */
  record Restore(SnapshotStore.Meta meta) implements Command {}

  private record WriterReply(SnapshotWriter.Reply reply) implements Command {}

  private record RestoreDone(SnapshotStore.Meta meta, byte[] configuration, Throwable failure, long startNanos)
      implements Command {}

  /** Entries up to {@code commitIndex} are committed; {@code log} holds them. */
  record CommitTo(LogView log, long commitIndex) implements Command {}

  /** {@code replyTo} waits for the entry the leader appended at (index, term). */
  record Await(long index, long term, ActorRef<ProposeResult> replyTo) implements Command {}

  /**
   * Leadership was lost: waiters above {@code commitIndex} get "unknown" (their entries may or
   * may not commit under the next leader); those at or below it are committed and still get their
   * result.
   */
  record FailPendingAbove(long commitIndex, String reason) implements Command {}

  /**
   * Answers {@code query} once the state machine has applied up to {@code index} (at once when
   * it has).
   */
  record ReadAt(long index, Object query, ActorRef<ReadResult> replyTo, long millisSinceLeaderContact)
      implements Command {}

  /** Reads whose index is not applied by their deadline fail (the node may be cut off). */
  private enum ExpireReads implements Command {
    INSTANCE
  }

  private enum Continue implements Command {
    INSTANCE
  }

  private final StateMachine stateMachine;
  private final ActorRef<RaftNode.Command> node;
  private final int maxBatch;
  private final ArrayDeque<Await> waiting = new ArrayDeque<>();
  /** Reads waiting for their index to be applied, by index. */
  private record WaitingRead(ReadAt read, long deadlineNanos) {}

  private final PriorityQueue<WaitingRead> reads =
      new PriorityQueue<>(Comparator.comparingLong(w -> w.read().index()));
  private final java.time.Duration readTimeout;
  private LogView log;
  private long commitIndex;
  private final MonotonicIndex lastApplied = new MonotonicIndex("lastApplied");
  private long lastAppliedTerm;
  private boolean continueScheduled;
  /** Snapshots taken and restored; null when the node keeps none. */
  private final SnapshotTaker snapshots;
  private final SnapshotMetrics snapshotMetrics;
  private boolean restoring;
  /** A restore that arrived while another ran; the newest such. */
  private SnapshotStore.Meta pendingRestore;
  /**
   * The snapshot body a restore is reading (on the snapshot dispatcher), so that stopping the
   * applier ends it: a node that stops while it starts (its journal does not continue the
   * snapshot, say) does not go on loading a large state it will never use.
   */
  private volatile java.io.InputStream restoreBody;
  private volatile boolean stopped;

  /** @param initial the cluster's initial configuration (written into snapshots until a CONFIG entry applies) */
  static Behavior<Command> create(StateMachine stateMachine, ActorRef<RaftNode.Command> node,
      RaftSettings settings, SnapshotStore store, io.raftactors.raft.Membership initial,
      io.raftactors.raft.metrics.MetricRegistry metrics) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(ExpireReads.INSTANCE, settings.readTimeout().dividedBy(4));
      return new Applier(ctx, stateMachine, node, settings, store, initial, metrics);
    }));
  }

  private Applier(ActorContext<Command> ctx, StateMachine stateMachine, ActorRef<RaftNode.Command> node,
      RaftSettings settings, SnapshotStore store, io.raftactors.raft.Membership initial,
      io.raftactors.raft.metrics.MetricRegistry metrics) {
    super(ctx);
    ctx.setLoggerName(Applier.class);
    this.stateMachine = stateMachine;
    this.node = node;
    this.maxBatch = settings.applierMaxBatch();
    this.readTimeout = settings.readTimeout();
    this.snapshotMetrics = new SnapshotMetrics(metrics);
    this.snapshots = store == null ? null : new SnapshotTaker(ctx, stateMachine, store, settings,
        ctx.messageAdapter(SnapshotWriter.Reply.class, WriterReply::new),
        SnapshotConfig.encode(0, initial.encode()), snapshotMetrics);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CommitTo.class, this::onCommitTo)
        .onMessage(Await.class, this::onAwait)
        .onMessage(FailPendingAbove.class, this::onFailPending)
        .onMessage(ReadAt.class, this::onReadAt)
        .onMessageEquals(ExpireReads.INSTANCE, this::onExpireReads)
        .onMessageEquals(Continue.INSTANCE, this::onContinue)
        .onMessage(WriterReply.class, this::onWriterReply)
        .onMessageEquals(WriteSnapshotPart.INSTANCE, () -> {
          if (snapshots != null) snapshots.writeNextPart();
          return this;
        })
        .onMessage(Restore.class, this::onRestore)
        .onMessage(RestoreDone.class, this::onRestoreDone)
        .onSignal(akka.actor.typed.PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onStop() {
    stopped = true;
    java.io.InputStream body = restoreBody;
    if (body != null) {
      try {
        body.close(); // the restore fails at its next read; nobody waits for its result
      } catch (java.io.IOException e) {
        getContext().getLog().debug("closing the snapshot being restored: {}", e.toString());
      }
    }
    return this;
  }

  private Behavior<Command> onWriterReply(WriterReply w) {
    SnapshotStore.Meta saved = snapshots.onWriterReply(w.reply());
    if (saved != null) node.tell(new Internal.SnapshotSaved(saved));
    return this;
  }

  private Behavior<Command> onRestore(Restore restore) {
    SnapshotStore.Meta meta = restore.meta();
    if (snapshots == null) throw new IllegalStateException("restore without a snapshot store");
    if (restoring) {
      // One restore at a time: the newest waits and runs next; nothing is applied or read between.
      if (pendingRestore == null || meta.index() > pendingRestore.index()) pendingRestore = meta;
      return this;
    }
    startRestore(meta);
    return this;
  }

  private void startRestore(SnapshotStore.Meta meta) {
    if (meta.index() <= lastApplied.get()) {
      throw new IllegalStateException("restore of snapshot " + meta.index() + " at applied index " + lastApplied);
    }
    snapshots.abandon("a snapshot is being restored");
    restoring = true;
    ActorRef<Command> self = getContext().getSelf();
    long start = System.nanoTime();
    getContext().getLog().info("restoring snapshot {} ({} bytes)", meta.path().getFileName(), meta.bytes());
    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (java.io.InputStream in = snapshots.store().openBody(meta)) {
        restoreBody = in;
        if (stopped) throw new java.io.IOException("the applier stopped");
        stateMachine.restore(in);
        return snapshots.store().readConfiguration(meta);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        restoreBody = null;
      }
    }, snapshots.blockingIo()).whenComplete((config, e) -> self.tell(new RestoreDone(meta, config, e, start)));
  }

  private Behavior<Command> onRestoreDone(RestoreDone done) {
    if (done.failure() != null) {
      // The node's log no longer holds what the snapshot replaced: it cannot go on.
      throw new IllegalStateException(
          "restoring snapshot " + done.meta().path() + " failed", done.failure());
    }
    long index = done.meta().index();
    long nanos = System.nanoTime() - done.startNanos();
    snapshotMetrics.restored(nanos);
    getContext().getLog().info("restored snapshot at index {} in {} ms", index, nanos / 1_000_000);
    lastApplied.advanceTo(index);
    lastAppliedTerm = done.meta().term();
    snapshots.restored(done.configuration(), done.meta().bytes());
    while (!waiting.isEmpty() && waiting.peek().index() <= index) {
      waiting.poll().replyTo().tell(new ProposeResult.Unknown(
          "the state was replaced by a snapshot up to index " + index));
    }
    SnapshotStore.Meta next = pendingRestore;
    pendingRestore = null;
    if (next != null && next.index() > index) {
      startRestore(next); // still restoring: the state is not served until the newest is in
      return this;
    }
    restoring = false;
    node.tell(new Internal.AppliedUpTo(index));
    serveReadsUpTo(index);
    applyBatch();
    return this;
  }

  private Behavior<Command> onCommitTo(CommitTo commit) {
    log = commit.log();
    commitIndex = Math.max(commitIndex, commit.commitIndex());
    if (!continueScheduled) applyBatch();
    return this;
  }

  private Behavior<Command> onAwait(Await await) {
    if (await.index() <= lastApplied.get()) {
      // The leader registers before it can commit, so this means a bug, not a race.
      throw new IllegalStateException(
          "await for index " + await.index() + " already applied (" + lastApplied + ")");
    }
    if (!waiting.isEmpty() && waiting.peekLast().index() >= await.index()) {
      throw new IllegalStateException(
          "awaits out of order: " + await.index() + " after " + waiting.peekLast().index());
    }
    waiting.add(await);
    return this;
  }

  private Behavior<Command> onFailPending(FailPendingAbove fail) {
    while (!waiting.isEmpty() && waiting.peekLast().index() > fail.commitIndex()) {
      waiting.pollLast().replyTo().tell(new ProposeResult.Unknown(fail.reason()));
    }
    return this;
  }

  private Behavior<Command> onReadAt(ReadAt read) {
    if (read.index() <= lastApplied.get() && !restoring) serve(read);
    else reads.add(new WaitingRead(read, System.nanoTime() + readTimeout.toNanos()));
    return this;
  }

  private Behavior<Command> onExpireReads() {
    long now = System.nanoTime();
    reads.removeIf(w -> {
      if (w.deadlineNanos() - now > 0) return false;
      w.read().replyTo().tell(new ReadResult.Failed(ReadResult.Reason.TIMEOUT,
          "index " + w.read().index() + " not applied within raft.read.timeout (applied "
              + lastApplied.get() + ")", null));
      return true;
    });
    return this;
  }

  private void serveReadsUpTo(long applied) {
    if (restoring) return;
    while (!reads.isEmpty() && reads.peek().read().index() <= applied) serve(reads.poll().read());
  }

  private void serve(ReadAt read) {
    ReadResult result;
    try {
      result = new ReadResult.Ok(stateMachine.read(read.query()), lastApplied.get(),
          read.millisSinceLeaderContact());
    } catch (UnsupportedOperationException e) {
      result = new ReadResult.Failed(ReadResult.Reason.UNSUPPORTED, e.getMessage(), null);
    } catch (RuntimeException e) {
      getContext().getLog().warn("query {} failed", read.query(), e);
      result = new ReadResult.Failed(ReadResult.Reason.UNSUPPORTED, "query failed: " + e, null);
    }
    read.replyTo().tell(result);
  }

  private Behavior<Command> onContinue() {
    continueScheduled = false;
    applyBatch();
    return this;
  }

  private void applyBatch() {
    if (restoring) return;
    long end = Math.min(commitIndex, lastApplied.get() + maxBatch);
    if (end <= lastApplied.get()) return;
    for (long i = lastApplied.get() + 1; i <= end; i++) {
      LogEntry entry = log.entry(i);
      byte[] result = null;
      if (entry.kind() == EntryKind.COMMAND) {
        result =
            stateMachine.apply(
                new CommittedCommand(entry.index(), entry.term(), entry.timestamp(), entry.data()));
      }
      lastApplied.advanceTo(i);
      lastAppliedTerm = entry.term();
      if (snapshots != null) snapshots.applied(entry);
      answerWaiters(entry, result);
    }
    stateMachine.batchApplied();
    node.tell(new Internal.AppliedUpTo(lastApplied.get()));
    serveReadsUpTo(lastApplied.get());
    if (snapshots != null) snapshots.maybeStart(lastApplied.get(), lastAppliedTerm);
    if (commitIndex > lastApplied.get()) {
      continueScheduled = true;
      getContext().getSelf().tell(Continue.INSTANCE);
    }
  }

  private void answerWaiters(LogEntry applied, byte[] result) {
    while (!waiting.isEmpty() && waiting.peek().index() <= applied.index()) {
      Await w = waiting.poll();
      if (w.index() == applied.index() && w.term() == applied.term()) {
        w.replyTo()
            .tell(new ProposeResult.Applied(
                applied.index(), applied.term(), result == null ? new byte[0] : result));
      } else {
        w.replyTo()
            .tell(new ProposeResult.Rejected(
                RejectReason.NOT_COMMITTED,
                "another entry was committed at index " + w.index(),
                null));
      }
    }
  }
}
