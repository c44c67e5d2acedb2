package io.raftactors.kv.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Completes when an actor has stopped, as seen by a watcher at the system's level: one under the
 * same parent would stop with it and never tell.
 */
final class Termination {
  private Termination() {}

  static CompletableFuture<Void> of(ActorSystem<?> system, ActorRef<?> actor) {
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    system.systemActorOf(Behaviors.setup(ctx -> {
      ctx.watch(actor);
      return Behaviors.receive(Object.class).onSignal(Terminated.class, t -> {
        stopped.complete(null);
        return Behaviors.stopped();
      }).build();
    }), "watch-" + actor.path().name() + "-" + UUID.randomUUID(), Props.empty());
    // The watcher stops with the system, perhaps before it heard of the actor's end.
    system.getWhenTerminated().thenRun(() -> stopped.complete(null));
    return stopped;
  }
}
