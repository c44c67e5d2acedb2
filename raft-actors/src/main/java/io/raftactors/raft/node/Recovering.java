package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.StashBuffer;
import akka.actor.typed.javadsl.TimerScheduler;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.snapshot.SnapshotStore;
import java.util.List;

/**
 * The first behavior of a RaftNode: spawns the journal and reads what it made durable while it
 * chooses the snapshot to start from ({@link SnapshotRecovery}) and starts restoring it, and only
 * then becomes a Follower. Messages that arrive meanwhile are stashed (bounded; past the bound, Raft
 * messages are dropped like lost packets and proposals are rejected as OVERLOADED).
 *
 * <p>A node never starts from anything but its journal: if the journal fails here or later, the
 * node stops instead of running with empty state (which could let it vote twice in a term). So it
 * does if the snapshot's restore fails.
 */
public final class Recovering extends AbstractBehavior<RaftNode.Command> {
  private final NodeSetup setup;
  private final TimerScheduler<RaftNode.Command> timers;
  private final StashBuffer<RaftNode.Command> stash;
  private final ActorRef<Journal.Command> journal;
  private Journal.Recovered journalState;
  /** The snapshot to start from, once chosen (its meta is null when there is none). */
  private SnapshotRecovery.Choice snapshot;
  /** Spawned as soon as a snapshot is chosen (it restores it), else when the node starts. */
  private ActorRef<Applier.Command> applier;
  /** The index of the snapshot the applier restored while the node was recovering (0: none yet). */
  private long restoredUpTo;

  /** The behavior of a new RaftNode actor. */
  public static Behavior<RaftNode.Command> create(NodeSetup setup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        setup.settings().recoveryStashCapacity(),
                        stash -> new Recovering(ctx, timers, stash, setup))));
  }

  private Recovering(
      ActorContext<RaftNode.Command> ctx,
      TimerScheduler<RaftNode.Command> timers,
      StashBuffer<RaftNode.Command> stash,
      NodeSetup setup) {
    super(ctx);
    ctx.setLoggerName(RaftNode.class);
    this.setup = setup;
    this.timers = timers;
    this.stash = stash;
    this.journal =
        ctx.spawn(
            setup.journal(),
            "journal",
            DispatcherSelector.fromConfig(setup.settings().journalDispatcher()));
    ctx.watch(journal);
    journal.tell(
        new Journal.Recover(
            ctx.messageAdapter(Journal.Recovered.class, Internal.JournalRecovered::new)));
    if (setup.snapshotDir() != null) chooseSnapshot(setup.snapshotDir());
  }

  @Override
  public Receive<RaftNode.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Internal.JournalRecovered.class, this::onJournalRecovered)
        .onMessage(Internal.SnapshotChosen.class, this::onSnapshotChosen)
        .onMessage(Internal.AppliedUpTo.class, this::onRestored)
        .onMessage(RaftNode.Command.class, this::stashOrShed)
        .onSignal(Terminated.class, this::onChildStopped)
        .build();
  }

  /**
   * Verifies the snapshots (newest first) on the snapshot dispatcher while the journal recovers:
   * the choice needs nothing from the journal, only its check does ({@link #startWhenBothRecovered}).
   */
  private void chooseSnapshot(java.nio.file.Path dir) {
    ActorRef<RaftNode.Command> self = getContext().getSelf();
    java.util.concurrent.Executor io = getContext().getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig(setup.settings().snapshotDispatcher()));
    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return SnapshotRecovery.newestValid(dir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, io).whenComplete((choice, e) -> self.tell(new Internal.SnapshotChosen(choice,
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e)));
  }

  private Behavior<RaftNode.Command> onJournalRecovered(Internal.JournalRecovered recovered) {
    journalState = recovered.state();
    return startWhenBothRecovered();
  }

  /**
   * The snapshot to start from is known: its restore starts now, in the applier, so that it
   * overlaps the rest of the journal's recovery (on a restart after a million writes, both take a
   * few hundred milliseconds). Nothing is applied or read before it ends.
   */
  private Behavior<RaftNode.Command> onSnapshotChosen(Internal.SnapshotChosen chosen) {
    if (chosen.failure() != null) fail(chosen.failure());
    snapshot = chosen.choice();
    if (snapshot.meta() != null) {
      spawnApplier(snapshot.store()).tell(new Applier.Restore(snapshot.meta()));
    }
    return startWhenBothRecovered();
  }

  /**
   * The applier restored the snapshot before the node started: kept aside (a full stash would
   * drop it) and handed to the node when it starts.
   */
  private Behavior<RaftNode.Command> onRestored(Internal.AppliedUpTo restored) {
    restoredUpTo = Math.max(restoredUpTo, restored.index());
    return this;
  }

  private Behavior<RaftNode.Command> startWhenBothRecovered() {
    if (journalState == null || (setup.snapshotDir() != null && snapshot == null)) return this;
    if (snapshot != null) {
      try {
        SnapshotRecovery.checkContinues(snapshot, journalState.firstIndex());
      } catch (SnapshotRecovery.UnrecoverableException e) {
        fail(e);
      }
    }
    return startNode();
  }

  private void fail(Throwable failure) {
    Throwable cause = failure instanceof java.io.UncheckedIOException u ? u.getCause() : failure;
    getContext().getLog().error("[{}] {}", setup.nodeId(), cause.getMessage());
    throw new IllegalStateException("[" + setup.nodeId() + "] " + cause.getMessage(), cause);
  }

  private ActorRef<Applier.Command> spawnApplier(SnapshotStore store) {
    String dispatcher = setup.settings().applierDispatcher();
    Props props = dispatcher.isEmpty()
        ? DispatcherSelector.sameAsParent()
        : DispatcherSelector.fromConfig(dispatcher);
    applier =
        getContext().spawn(
            Applier.create(setup.stateMachine().get(), getContext().getSelf(), setup.settings(), store,
                setup.initial(), io.raftactors.raft.metrics.RaftMetrics.get(getContext().getSystem())
                    .node(setup.nodeId())),
            "applier",
            props);
    getContext().watch(applier);
    return applier;
  }

  /**
   * Becomes a Follower with the journal's state on top of the chosen snapshot: the log continues
   * the snapshot (the journal's entries after it, if its entry at the snapshot's index has the
   * snapshot's term; otherwise none, and the journal is reset to match, finishing an install that
   * a crash interrupted).
   */
  private Behavior<RaftNode.Command> startNode() {
    Journal.Recovered state = journalState;
    SnapshotStore store = snapshot == null ? null : snapshot.store();
    SnapshotStore.Meta meta = snapshot == null ? null : snapshot.meta();
    SnapshotConfig snapshotConfig = snapshot == null ? null : snapshot.config();
    ActorContext<RaftNode.Command> ctx = getContext();
    JournalWriter writer =
        new JournalWriter(
            journal, ctx.messageAdapter(Journal.Ack.class, a -> new Internal.JournalAcked(a.seq())));
    if (applier == null) spawnApplier(store);

    NodeContext node = new NodeContext(ctx, timers, setup, writer, applier, store);
    node.currentTerm = state.term();
    node.votedFor = state.votedFor();
    List<LogEntry> entries = state.entries();
    writer.recovered(state.lastIndex());
    if (meta == null) {
      node.log.append(entries);
    } else {
      long s = meta.index();
      boolean continues = s + 1 >= state.firstIndex() && s <= state.lastIndex()
          && (s < state.firstIndex() || entries.get((int) (s - state.firstIndex())).term() == meta.term());
      node.log.resetTo(s, meta.term());
      if (continues) {
        node.log.append(entries.subList((int) (s + 1 - state.firstIndex()), entries.size()));
      } else {
        ctx.getLog().info("[{}] the journal does not continue snapshot {}; resetting it", setup.nodeId(), s);
        writer.resetTo(s);
      }
      node.snapshotRestoring(meta);
      if (snapshotConfig != null) node.configs.resetTo(snapshotConfig.index(), snapshotConfig.membership());
    }
    for (long i = node.log.firstIndex(); i <= node.log.lastIndex(); i++) {
      LogEntry e = node.log.entry(i);
      if (e.kind() == io.raftactors.raft.log.EntryKind.CONFIG) node.configs.appended(List.of(e));
    }
    node.membershipChanged();
    ctx.getLog()
        .info(
            "[{}] recovered term {}, vote {}, {}log entries {}..{}",
            setup.nodeId(), state.term(), state.votedFor(),
            meta == null ? "" : "snapshot at " + meta.index() + ", ",
            node.log.firstIndex(), node.log.lastIndex());
    if (restoredUpTo > 0) ctx.getSelf().tell(new Internal.AppliedUpTo(restoredUpTo));
    return stash.unstashAll(node.roles.becomeFollower(state.term(), null));
  }

  private Behavior<RaftNode.Command> stashOrShed(RaftNode.Command message) {
    if (!stash.isFull()) {
      stash.stash(message);
    } else if (message instanceof Propose p) {
      p.replyTo()
          .tell(new ProposeResult.Rejected(
              RejectReason.OVERLOADED, setup.nodeId() + " is still recovering", null));
    }
    return this;
  }

  /** The journal, or the applier restoring the snapshot, stopped (failed): the node cannot start. */
  private Behavior<RaftNode.Command> onChildStopped(Terminated terminated) {
    Throwable cause = terminated instanceof ChildFailed f ? f.getCause() : null;
    String which = terminated.getRef().equals(journal) ? "journal" : "applier (restoring the snapshot)";
    getContext()
        .getLog()
        .error("[{}] {} stopped during recovery; node stops", setup.nodeId(), which, cause);
    return Behaviors.stopped();
  }
}
