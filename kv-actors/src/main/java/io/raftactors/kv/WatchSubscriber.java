package io.raftactors.kv;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.util.List;
import java.util.function.Consumer;

/**
 * The actor behind a {@link KvClient#watch}: calls the listener with each event, in order, then
 * acknowledges them so the replica sends more (flow control: a slow listener slows its watch, and
 * is cancelled with a resume revision if it falls too far behind).
 */
final class WatchSubscriber {
  private WatchSubscriber() {}

  static Behavior<WatchMessage> create(ActorRef<KvCommand> replica, Consumer<WatchEvent> listener,
      Consumer<WatchMessage.Cancelled> onCancelled) {
    return Behaviors.setup(ctx -> {
      long[] watchId = {0};
      return Behaviors.receiveMessage(m -> {
        if (m instanceof WatchMessage.Subscribed s) {
          watchId[0] = s.watchId();
        } else if (m instanceof WatchMessage.Events e) {
          List<WatchEvent> events = e.decoded();
          for (WatchEvent event : events) {
            try {
              listener.accept(event);
            } catch (RuntimeException ex) {
              ctx.getLog().warn("watch listener failed on {}", event, ex);
            }
          }
          replica.tell(new KvCommand.WatchAck(e.watchId(), events.size()));
        } else if (m instanceof WatchMessage.Cancelled c) {
          if (c.watchId() == -1) {
            replica.tell(new KvCommand.CancelWatch(watchId[0])); // cancelled by the client
          } else {
            onCancelled.accept(c);
          }
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    });
  }
}
