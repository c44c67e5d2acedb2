package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.ReceiveBuilder;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.Propose;
import io.raftactors.raft.Read;
import io.raftactors.raft.protocol.ReadIndexRequest;
import io.raftactors.raft.protocol.ReadIndexResponse;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import io.raftactors.raft.protocol.RaftMessage;

/**
 * Base of the role behaviors (Follower, PreCandidate, Candidate, Leader). Wires what every role
 * does the same way (the term gate, journal acknowledgements, status queries, child failures)
 * around the role's own handlers, so no role repeats them.
 */
abstract class RoleBehavior extends AbstractBehavior<RaftNode.Command> {
  protected final NodeContext ctx;

  RoleBehavior(NodeContext ctx) {
    super(ctx.actor);
    this.ctx = ctx;
  }

  abstract Role role();

  /**
   * Handles a wire message that passed the {@link TermGate}: its term equals the current term,
   * except pre-vote requests and granted pre-vote responses, which carry a future term.
   */
  abstract Behavior<RaftNode.Command> onMessage(RaftMessage message);

  abstract Behavior<RaftNode.Command> onPropose(Propose propose);

  /** Role-specific handlers (timers, internal messages); matched before the common ones. */
  abstract void addHandlers(ReceiveBuilder<RaftNode.Command> builder);

  /** Called once when another role takes over: stop children, cancel timers, answer waiters. */
  void onExit() {}

  /** The highest index the log may be compacted to (the leader keeps what installs still need). */
  long compactionFloor() {
    return Long.MAX_VALUE;
  }

  /** Called after the applier saved a snapshot and the log was compacted. */
  Behavior<RaftNode.Command> onSnapshotSaved(io.raftactors.raft.snapshot.SnapshotStore.Meta meta) {
    return this;
  }

  /** Each other member's match index as this role knows it: only a leader knows them. */
  java.util.Map<String, Long> matchIndexes() {
    return java.util.Map.of();
  }

  /** The configuration in force changed (see {@link NodeContext#membership()}). */
  void onMembershipChanged() {}

  /** A membership change at a node that does not lead: to the leader (the Leader overrides this). */
  Behavior<RaftNode.Command> onChangeMembership(io.raftactors.raft.ChangeMembership change) {
    if (canForward(change.hops())) {
      ctx.send(ctx.leaderId, change.nextHop());
    } else {
      change.replyTo().tell(new io.raftactors.raft.ProposeResult.Rejected(
          io.raftactors.raft.RejectReason.NO_LEADER, noLeader(), null));
    }
    return this;
  }

  /** A leadership transfer at a node that does not lead: to the leader (the Leader overrides this). */
  Behavior<RaftNode.Command> onTransferLeadership(io.raftactors.raft.TransferLeadership transfer) {
    if (canForward(transfer.hops())) {
      ctx.send(ctx.leaderId, transfer.nextHop());
    } else {
      transfer.replyTo().tell(new io.raftactors.raft.TransferResult.NotTransferred(
          io.raftactors.raft.RejectReason.NO_LEADER, noLeader(), null));
    }
    return this;
  }

  /** Whether a request forwarded {@code hops} times already may go on to the leader this node knows. */
  private boolean canForward(int hops) {
    return ctx.leaderId != null && !ctx.leaderId.equals(ctx.selfId) && hops < ctx.settings.maxForwardHops();
  }

  private String noLeader() {
    return ctx.selfId + " knows no leader in term " + ctx.currentTerm;
  }

  /** Called after the journal made more writes durable. */
  Behavior<RaftNode.Command> onDurable() {
    return this;
  }

  @Override
  public final Receive<RaftNode.Command> createReceive() {
    ReceiveBuilder<RaftNode.Command> builder = newReceiveBuilder();
    addHandlers(builder);
    return builder
        .onMessage(RaftMessage.class, m -> TermGate.handle(ctx, this, m))
        .onMessage(Propose.class, this::onPropose)
        .onMessage(io.raftactors.raft.ChangeMembership.class, this::onChangeMembership)
        .onMessage(io.raftactors.raft.TransferLeadership.class, this::onTransferLeadership)
        .onMessage(Read.class, this::onRead)
        .onMessage(ReadIndexRequest.class, this::onReadIndexRequest)
        .onMessage(ReadIndexResponse.class, this::onReadIndexResponse)
        .onMessageEquals(Internal.RemoteReadTick.INSTANCE, this::onRemoteReadTick)
        .onMessage(Internal.JournalAcked.class, this::onJournalAcked)
        .onMessage(Internal.AppliedUpTo.class, this::onAppliedUpTo)
        .onMessage(Internal.SnapshotSaved.class, saved -> {
          ctx.snapshotSaved(saved.meta(), compactionFloor());
          return onSnapshotSaved(saved.meta());
        })
        .onMessage(Internal.ReceivedPart.class, part -> {
          ctx.receiver.onWriterReply(part.reply());
          return this;
        })
        .onMessageEquals(Internal.LeaderWaitTick.INSTANCE, this::onLeaderWaitTick)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(RaftNode.GetLog.class, this::onGetLog)
        .onMessage(Internal.class, this::ignoreStale)
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          ctx.metrics.stopped();
          return this;
        })
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, this::onChildTerminated)
        .build();
  }

  /** A read at a node that does not lead: stale at once, otherwise through the leader. */
  Behavior<RaftNode.Command> onRead(Read read) {
    ctx.remoteReads.onRead(read);
    return this;
  }

  /** Someone takes this node for the leader; it is not (the Leader overrides this). */
  Behavior<RaftNode.Command> onReadIndexRequest(ReadIndexRequest request) {
    ctx.send(request.from(), new ReadIndexResponse(ctx.selfId, request.id(), 0, false,
        ctx.selfId + " is not the leader" + (ctx.leaderId == null ? "" : "; " + ctx.leaderId + " is")));
    return this;
  }

  private Behavior<RaftNode.Command> onReadIndexResponse(ReadIndexResponse response) {
    ctx.remoteReads.onResponse(response);
    return this;
  }

  private Behavior<RaftNode.Command> onRemoteReadTick() {
    ctx.remoteReads.expire();
    return this;
  }

  private Behavior<RaftNode.Command> onJournalAcked(Internal.JournalAcked ack) {
    ctx.journal.onAck(ack.seq());
    return onDurable();
  }

  private Behavior<RaftNode.Command> onAppliedUpTo(Internal.AppliedUpTo applied) {
    ctx.lastApplied.advanceTo(applied.index());
    return this;
  }

  private Behavior<RaftNode.Command> onLeaderWaitTick() {
    ctx.waiting.expire();
    return this;
  }

  private Behavior<RaftNode.Command> onGetStatus(GetStatus query) {
    query.replyTo().tell(ctx.status(matchIndexes()));
    return this;
  }

  private Behavior<RaftNode.Command> onGetLog(RaftNode.GetLog query) {
    query
        .replyTo()
        .tell(new RaftNode.LogSnapshot(ctx.log.view(), ctx.commitIndex.get(), ctx.currentTerm, role()));
    return this;
  }

  /** Timer ticks and reports addressed to a role this node has left. */
  private Behavior<RaftNode.Command> ignoreStale(Internal message) {
    return this;
  }

  private Behavior<RaftNode.Command> onChildFailed(ChildFailed failed) {
    ctx.logger()
        .error(
            "[{}] child {} failed; stopping this node (it recovers only from its journal)",
            ctx.selfId,
            failed.getRef().path().name(),
            failed.getCause());
    return Behaviors.stopped();
  }

  private Behavior<RaftNode.Command> onChildTerminated(Terminated terminated) {
    if (terminated.getRef().equals(ctx.journal.ref()) || terminated.getRef().equals(ctx.applier)) {
      ctx.logger()
          .error("[{}] {} stopped; stopping this node", ctx.selfId, terminated.getRef().path().name());
      return Behaviors.stopped();
    }
    return this;
  }
}
