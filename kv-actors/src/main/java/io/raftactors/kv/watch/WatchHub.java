package io.raftactors.kv.watch;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.WatchEvent;
import io.raftactors.kv.WatchMessage;
import io.raftactors.kv.state.KvCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica's watches: receives every change its state machine applies (in log order), keeps a
 * bounded history of recent ones, and delivers to each watcher the changes of its key or prefix
 * from the revision it asked for, in order and without gaps, with flow control: at most {@code
 * maxUnacked} events in flight per watcher. A watcher that falls behind the kept history is
 * cancelled with the revision to resume from; nothing is buffered without bound.
 *
 * <p>The hub outlives restarts of its replica's Raft node: a restarted state machine restores its
 * snapshot and re-applies the log after it, publishing changes the hub has seen again, which it
 * recognizes by their revision and skips. When the replica jumps ahead by installing a leader's
 * snapshot ({@link Restored}), the changes it skipped are not known here: watchers that need them
 * are cancelled, never silently given a gap.
 */
public final class WatchHub extends AbstractBehavior<WatchHub.Command> {

  public sealed interface Command {}

  /** Changes of one or more writes, in log order; the changes of one write share its revision. */
  public record Publish(List<WatchEvent> events) implements Command {}

  /**
   * The replica's state machine was replaced by a snapshot at {@code revision} (it caught up by
   * InstallSnapshot): the changes up to it were never published here. Watchers that still need
   * one of them are cancelled (resume on another member, or re-read and watch from the revision
   * after); the others go on.
   */
  public record Restored(long revision) implements Command {}

  record Subscribe(KvCommand.Watch watch) implements Command {}

  record Ack(KvCommand.WatchAck ack) implements Command {}

  record Cancel(KvCommand.CancelWatch cancel) implements Command {}

  private record SubscriberGone(long watchId) implements Command {}

  /** Adapts the client-facing watch commands. */
  public static Command of(KvCommand command) {
    if (command instanceof KvCommand.Watch w) return new Subscribe(w);
    if (command instanceof KvCommand.WatchAck a) return new Ack(a);
    if (command instanceof KvCommand.CancelWatch c) return new Cancel(c);
    throw new IllegalArgumentException("not a watch command: " + command);
  }

  private static final class Watcher {
    final long id;
    final Bytes key;
    final boolean prefix;
    final ActorRef<WatchMessage> subscriber;
    /** The next revision it needs. */
    long next;
    int unacked;

    Watcher(long id, Bytes key, boolean prefix, ActorRef<WatchMessage> subscriber, long next) {
      this.id = id;
      this.key = key;
      this.prefix = prefix;
      this.subscriber = subscriber;
      this.next = next;
    }

    boolean matches(WatchEvent e) {
      return prefix ? e.kv().key().startsWith(key) : e.kv().key().equals(key);
    }
  }

  private final int maxHistory;
  private final int maxUnacked;
  /** Recent changes by revision (at most maxHistory events in all). */
  private final TreeMap<Long, List<WatchEvent>> history = new TreeMap<>();
  private int historyEvents;
  private final Map<Long, Watcher> watchers = new HashMap<>();
  private long lastRevision;
  private long nextId;

  /**
   * @param maxHistory changes kept for watchers that start in the past or fall behind
   * @param maxUnacked events in flight to one watcher before it must acknowledge
   */
  public static Behavior<Command> create(int maxHistory, int maxUnacked) {
    return Behaviors.setup(ctx -> new WatchHub(ctx, maxHistory, maxUnacked));
  }

  private WatchHub(ActorContext<Command> ctx, int maxHistory, int maxUnacked) {
    super(ctx);
    this.maxHistory = maxHistory;
    this.maxUnacked = maxUnacked;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Restored.class, this::onRestored)
        .onMessage(Subscribe.class, s -> onSubscribe(s.watch()))
        .onMessage(Ack.class, a -> onAck(a.ack()))
        .onMessage(Cancel.class, c -> remove(c.cancel().watchId()))
        .onMessage(SubscriberGone.class, g -> remove(g.watchId()))
        .build();
  }

  /** The changes of one or more writes, in order; the changes of one write share its revision. */
  private Behavior<Command> onPublish(Publish p) {
    List<WatchEvent> events = p.events();
    boolean added = false;
    for (int from = 0; from < events.size(); ) {
      long revision = events.get(from).revision();
      int to = from + 1;
      while (to < events.size() && events.get(to).revision() == revision) to++;
      if (revision > lastRevision) { // else: a restarted replica re-applying its log
        lastRevision = revision;
        history.put(revision, List.copyOf(events.subList(from, to)));
        historyEvents += to - from;
        added = true;
      }
      from = to;
    }
    if (!added) return this;
    while (historyEvents > maxHistory && history.size() > 1) {
      historyEvents -= history.pollFirstEntry().getValue().size();
    }
    for (Watcher w : new ArrayList<>(watchers.values())) deliver(w);
    return this;
  }

  private Behavior<Command> onRestored(Restored r) {
    if (r.revision() <= lastRevision) return this; // a restarted replica: the hub saw these
    history.clear();
    historyEvents = 0;
    lastRevision = r.revision();
    for (Watcher w : new ArrayList<>(watchers.values())) {
      if (w.next > r.revision()) continue;
      watchers.remove(w.id);
      w.subscriber.tell(new WatchMessage.Cancelled(w.id, "this replica caught up by snapshot to revision "
          + r.revision() + "; the changes from revision " + w.next + " are not known here", w.next));
    }
    return this;
  }

  private Behavior<Command> onSubscribe(KvCommand.Watch watch) {
    long id = ++nextId;
    long from = watch.fromRevision() <= 0 ? lastRevision + 1 : watch.fromRevision();
    Watcher w = new Watcher(id, watch.watchedKey(), watch.prefix(), watch.subscriber(), from);
    if (from <= lastRevision && from < oldestRevision()) {
      watch.subscriber().tell(new WatchMessage.Cancelled(id,
          "revision " + from + " is no longer kept; the oldest kept is " + oldestRevision(), oldestRevision()));
      return this;
    }
    watchers.put(id, w);
    getContext().watchWith(watch.subscriber(), new SubscriberGone(id));
    watch.subscriber().tell(new WatchMessage.Subscribed(id, from));
    deliver(w);
    return this;
  }

  private Behavior<Command> onAck(KvCommand.WatchAck ack) {
    Watcher w = watchers.get(ack.watchId());
    if (w != null) {
      w.unacked = Math.max(0, w.unacked - ack.events());
      deliver(w);
    }
    return this;
  }

  private Behavior<Command> remove(long id) {
    Watcher w = watchers.remove(id);
    if (w != null && watchers.values().stream().noneMatch(o -> o.subscriber.equals(w.subscriber))) {
      getContext().unwatch(w.subscriber);
    }
    return this;
  }

  /** Sends the watcher what it needs from the history, whole revisions at a time, within its window. */
  private void deliver(Watcher w) {
    if (w.next > lastRevision) return;
    if (w.next < oldestRevision()) {
      watchers.remove(w.id);
      w.subscriber.tell(new WatchMessage.Cancelled(w.id,
          "fell behind: revision " + w.next + " is no longer kept", w.next));
      return;
    }
    List<WatchEvent> batch = new ArrayList<>();
    for (Map.Entry<Long, List<WatchEvent>> revision : history.tailMap(w.next, true).entrySet()) {
      if (w.unacked + batch.size() >= maxUnacked) break; // window full: more after the next ack
      for (WatchEvent e : revision.getValue()) if (w.matches(e)) batch.add(e);
      w.next = revision.getKey() + 1;
    }
    if (!batch.isEmpty()) {
      w.unacked += batch.size();
      w.subscriber.tell(new WatchMessage.Events(w.id, KvCodec.encodeEvents(batch)));
    }
  }

  private long oldestRevision() {
    return history.isEmpty() ? lastRevision + 1 : history.firstKey();
  }
}
