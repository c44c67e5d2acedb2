package io.raftactors.raft.journal;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal kept in a {@link MemoryJournalStore}. "Durable" means "in the store", which outlives
 * this actor but not the JVM: for tests and benchmarks, never for data that matters.
 *
 * <p>With a positive {@code syncDelay} it behaves like a disk with group commit: writes wait in
 * this actor for the next "sync", which happens {@code syncDelay} after the first pending write
 * and applies every pending write to the store at once before acknowledging them. Writes that
 * are pending when the node crashes (the actor stops) are lost, as unsynced writes are on a real
 * disk, which exercises the node's "persist before you promise" discipline.
 */
public final class MemoryJournal extends AbstractBehavior<Journal.Command> {

  private enum Sync implements Journal.Command {
    INSTANCE
  }

  private final MemoryJournalStore store;
  private final Duration syncDelay;
  private final TimerScheduler<Journal.Command> timers;
  private final List<Journal.Write> pending = new ArrayList<>();

  /** A journal that is durable as soon as a write is applied to the store. */
  public static Behavior<Journal.Command> create(MemoryJournalStore store) {
    return create(store, Duration.ZERO);
  }

  /** A journal that makes writes durable {@code syncDelay} after they arrive, in groups. */
  public static Behavior<Journal.Command> create(MemoryJournalStore store, Duration syncDelay) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new MemoryJournal(ctx, timers, store, syncDelay)));
  }

  private MemoryJournal(
      ActorContext<Journal.Command> ctx,
      TimerScheduler<Journal.Command> timers,
      MemoryJournalStore store,
      Duration syncDelay) {
    super(ctx);
    this.store = store;
    this.syncDelay = syncDelay;
    this.timers = timers;
  }

  @Override
  public Receive<Journal.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Journal.Recover.class, this::onRecover)
        .onMessage(Journal.Write.class, this::onWrite)
        .onMessage(Journal.RemovePrefix.class, this::onRemovePrefix)
        .onMessageEquals(Sync.INSTANCE, this::onSync)
        .build();
  }

  private Behavior<Journal.Command> onRecover(Journal.Recover r) {
    r.replyTo().tell(store.recover());
    return this;
  }

  private Behavior<Journal.Command> onWrite(Journal.Write write) {
    if (syncDelay.isZero()) {
      apply(write);
      write.replyTo().tell(new Journal.Ack(write.seq()));
    } else {
      if (pending.isEmpty()) timers.startSingleTimer(Sync.INSTANCE, syncDelay);
      pending.add(write);
    }
    return this;
  }

  private Behavior<Journal.Command> onRemovePrefix(Journal.RemovePrefix remove) {
    store.removePrefix(remove.upTo());
    return this;
  }

  private Behavior<Journal.Command> onSync() {
    if (pending.isEmpty()) return this;
    for (Journal.Write write : pending) apply(write);
    Journal.Write last = pending.get(pending.size() - 1);
    pending.clear();
    last.replyTo().tell(new Journal.Ack(last.seq()));
    return this;
  }

  private void apply(Journal.Write write) {
    if (write instanceof Journal.Append a) {
      store.append(a.entries());
    } else if (write instanceof Journal.TruncateSuffix t) {
      store.truncateFrom(t.fromIndex());
    } else if (write instanceof Journal.SaveTermVote s) {
      store.saveTermVote(s.term(), s.votedFor());
    } else if (write instanceof Journal.ResetTo r) {
      store.resetTo(r.index());
    }
  }
}
