package io.raftactors.kv.http;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import io.raftactors.raft.RaftEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * The terms and leaders one node has seen, with when it saw each change: the dashboard's timeline.
 * Fed by the node's {@link RaftEvent.RoleChanged} events, and by what the console hears from the
 * other members ({@link #observeCluster}); keeps the newest {@value #KEEP}.
 */
final class LeaderHistory {
  static final int KEEP = 200;

  /** From {@code atMillis} on, the node knew {@code leaderId} (null: none yet) as the leader of {@code term}. */
  record Change(long term, String leaderId, long atMillis) {}

  private final ArrayDeque<Change> changes = new ArrayDeque<>();

  /** Starts recording node {@code nodeId}'s view (from now on). */
  static LeaderHistory start(ActorSystem<?> system, String nodeId, String actorName) {
    LeaderHistory history = new LeaderHistory();
    system.systemActorOf(Behaviors.<RaftEvent>setup(ctx -> {
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(RaftEvent.class, ctx.getSelf()));
      return Behaviors.receive(RaftEvent.class)
          .onMessage(RaftEvent.RoleChanged.class, e -> {
            if (e.nodeId().equals(nodeId)) history.observe(e.term(), e.leaderId(), System.currentTimeMillis());
            return Behaviors.same();
          })
          .build();
    }), actorName, Props.empty());
    return history;
  }

  synchronized void observe(long term, String leaderId, long atMillis) {
    Change last = changes.peekLast();
    if (last != null && last.term() == term && Objects.equals(last.leaderId(), leaderId)) return;
    changes.addLast(new Change(term, leaderId, atMillis));
    while (changes.size() > KEEP) changes.removeFirst();
  }

  /**
   * What the members said at {@code atMillis}: recorded when it is news to this history (a later
   * term, or the leader of a term it saw begin without one), so that the console of a node that is
   * down or cut off still shows the leaders that followed.
   */
  synchronized void observeCluster(long term, String leaderId, long atMillis) {
    Change last = changes.peekLast();
    if (leaderId == null) return;
    if (last == null || term > last.term() || (term == last.term() && last.leaderId() == null)) {
      observe(term, leaderId, atMillis);
    }
  }

  synchronized List<Change> changes() {
    return List.copyOf(changes);
  }
}
