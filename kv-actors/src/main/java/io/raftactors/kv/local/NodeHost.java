package io.raftactors.kv.local;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.raft.RaftNode;

/**
 * The parent of one member's successive incarnations in a {@link LocalCluster}: starts a RaftNode
 * on request and stops it (a "crash": its actors stop and only its journal's store survives).
 */
final class NodeHost {
  private NodeHost() {}

  sealed interface Command {}

  record Start(Behavior<RaftNode.Command> node, String name, ActorRef<ActorRef<RaftNode.Command>> replyTo)
      implements Command {}

  record Stop(ActorRef<Done> replyTo) implements Command {}

  static Behavior<Command> create() {
    return Behaviors.setup(ctx -> idle(ctx));
  }

  private static Behavior<Command> idle(ActorContext<Command> ctx) {
    return Behaviors.receive(Command.class)
        .onMessage(Start.class, start -> {
          ActorRef<RaftNode.Command> node = ctx.spawn(start.node(), start.name());
          ctx.watch(node);
          start.replyTo().tell(node);
          return running(ctx, node, null);
        })
        .onMessage(Stop.class, stop -> {
          stop.replyTo().tell(Done.getInstance());
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> running(
      ActorContext<Command> ctx, ActorRef<RaftNode.Command> node, ActorRef<Done> stopping) {
    return Behaviors.receive(Command.class)
        .onMessage(Stop.class, stop -> {
          ctx.stop(node);
          return running(ctx, node, stop.replyTo());
        })
        .onSignal(Terminated.class, t -> {
          if (stopping != null) stopping.tell(Done.getInstance());
          else ctx.getLog().error("member {} stopped on its own (see the log above)", node.path().name());
          return idle(ctx);
        })
        .build();
  }
}
