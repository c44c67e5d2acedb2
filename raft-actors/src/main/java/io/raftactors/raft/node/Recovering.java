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

/**
 * The first behavior of a RaftNode: spawns the journal, reads what it made durable, and only then
 * becomes a Follower. Messages that arrive meanwhile are stashed (bounded; past the bound, Raft
 * messages are dropped like lost packets and proposals are rejected as OVERLOADED).
 *
 * <p>A node never starts from anything but its journal: if the journal fails here or later, the
 * node stops instead of running with empty state (which could let it vote twice in a term).
 */
public final class Recovering extends AbstractBehavior<RaftNode.Command> {
  private final NodeSetup setup;
  private final TimerScheduler<RaftNode.Command> timers;
  private final StashBuffer<RaftNode.Command> stash;
  private final ActorRef<Journal.Command> journal;

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
  }

  @Override
  public Receive<RaftNode.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Internal.JournalRecovered.class, this::onRecovered)
        .onMessage(RaftNode.Command.class, this::stashOrShed)
        .onSignal(Terminated.class, this::onJournalStopped)
        .build();
  }

  private Behavior<RaftNode.Command> onRecovered(Internal.JournalRecovered recovered) {
    Journal.Recovered state = recovered.state();
    ActorContext<RaftNode.Command> ctx = getContext();
    JournalWriter writer =
        new JournalWriter(
            journal, ctx.messageAdapter(Journal.Ack.class, a -> new Internal.JournalAcked(a.seq())));
    String dispatcher = setup.settings().applierDispatcher();
    Props props = dispatcher.isEmpty()
        ? DispatcherSelector.sameAsParent()
        : DispatcherSelector.fromConfig(dispatcher);
    ActorRef<Applier.Command> applier =
        ctx.spawn(
            Applier.create(setup.stateMachine().get(), ctx.getSelf(),
                setup.settings().applierMaxBatch(), setup.settings().readTimeout()),
            "applier",
            props);
    ctx.watch(applier);

    NodeContext node = new NodeContext(ctx, timers, setup, writer, applier);
    node.currentTerm = state.term();
    node.votedFor = state.votedFor();
    node.log.append(state.entries());
    writer.recovered(node.log.lastIndex());
    ctx.getLog()
        .info(
            "[{}] recovered term {}, vote {}, {} log entries",
            setup.nodeId(), state.term(), state.votedFor(), state.entries().size());
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

  private Behavior<RaftNode.Command> onJournalStopped(Terminated terminated) {
    Throwable cause = terminated instanceof ChildFailed f ? f.getCause() : null;
    getContext()
        .getLog()
        .error("[{}] journal stopped during recovery; node stops", setup.nodeId(), cause);
    return Behaviors.stopped();
  }
}
