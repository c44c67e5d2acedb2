package io.raftactors.kv.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.Behaviors;

/**
 * The parent of one member's actors in a {@link LocalCluster}, so that the demo can crash the
 * member: {@link Stop} stops it and, with it, everything it spawned (replica, journal, watcher).
 * Spawns like {@link SpawnProtocol} (a taken name gets a suffix).
 */
final class NodeHost {
  /** Stops the host and all it spawned. */
  enum Stop implements SpawnProtocol.Command {
    INSTANCE
  }

  private NodeHost() {}

  /** Stops {@code host}; completes once it and all it spawned have stopped. */
  static java.util.concurrent.CompletionStage<Void> stop(akka.actor.typed.ActorSystem<?> system,
      ActorRef<SpawnProtocol.Command> host) {
    java.util.concurrent.CompletionStage<Void> stopped = Termination.of(system, host);
    host.tell(Stop.INSTANCE);
    return stopped;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Behavior<SpawnProtocol.Command> create() {
    return Behaviors.setup(ctx -> Behaviors.receive(SpawnProtocol.Command.class)
        .onMessage(SpawnProtocol.Spawn.class, s -> {
          String name = s.name();
          for (int i = 1; ctx.getChild(name).isPresent(); i++) name = s.name() + "-" + i;
          ActorRef child = ctx.spawn((Behavior) s.behavior(), name, s.props());
          ((ActorRef) s.replyTo()).tell(child);
          return Behaviors.same();
        })
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build());
  }
}
