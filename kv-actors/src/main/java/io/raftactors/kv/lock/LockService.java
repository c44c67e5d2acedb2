package io.raftactors.kv.lock;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.raftactors.kv.Bytes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Akka-native face of {@link KvLocks}: actors ask for locks and leaderships by message and
 * are told by message when they get them ({@link LockEvent.Acquired}), when they did not ({@link
 * LockEvent.NotAcquired}) and when they lose them ({@link LockEvent.Lost}). The owner of a lock is
 * the actor it is acquired for: reentrant for that actor, and released when that actor stops, as
 * an ephemeral node goes with its session. Observers of an election are told of every change of
 * leader ({@link LockEvent.LeaderChanged}).
 */
public final class LockService extends AbstractBehavior<LockService.Command> {
  public sealed interface Command {}

  /** Acquires the mutex {@code name} for {@code owner}, waiting at most {@code maxWait} (null: as long as it takes). */
  public record Acquire(String name, Duration maxWait, ActorRef<LockEvent> owner) implements Command {}

  /** Releases one hold of {@code owner} on {@code name}, or stops its wait. */
  public record Release(String name, ActorRef<LockEvent> owner) implements Command {}

  /** Campaigns in election {@code name} with {@code value} for {@code owner}; Acquired once it leads. */
  public record Campaign(String name, Bytes value, ActorRef<LockEvent> owner) implements Command {}

  /** Resigns (or withdraws the campaign of) {@code owner} in election {@code name}. */
  public record Resign(String name, ActorRef<LockEvent> owner) implements Command {}

  /** Tells {@code observer} the leader of election {@code name} now and at every change, until it stops. */
  public record Observe(String name, ActorRef<LockEvent> observer) implements Command {}

  private record Outcome(Key key, CompletableFuture<?> attempt, LockGrant grant, Throwable error, boolean timedOut)
      implements Command {}

  private record LostHold(Key key, long token, String reason) implements Command {}

  private record OwnerGone(ActorRef<LockEvent> owner) implements Command {}

  /** A lock or election of one owner. */
  private record Key(String name, boolean election, ActorRef<LockEvent> owner) {}

  private final KvLocks locks;
  private final Map<Key, KvLock> mutexes = new HashMap<>();
  private final Map<Key, KvElection> elections = new HashMap<>();
  private final Map<Key, CompletableFuture<?>> waiting = new HashMap<>();
  private final java.util.Set<ActorRef<LockEvent>> watched = new java.util.HashSet<>();
  private final Map<ActorRef<LockEvent>, LeaderObserver> observers = new HashMap<>();

  public static Behavior<Command> create(KvLocks locks) {
    return Behaviors.setup(ctx -> new LockService(ctx, locks));
  }

  private LockService(ActorContext<Command> ctx, KvLocks locks) {
    super(ctx);
    this.locks = locks;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Campaign.class, this::onCampaign)
        .onMessage(Resign.class, this::onResign)
        .onMessage(Observe.class, this::onObserve)
        .onMessage(Outcome.class, this::onOutcome)
        .onMessage(LostHold.class, this::onLost)
        .onMessage(OwnerGone.class, this::onOwnerGone)
        .onSignal(Terminated.class, t -> onOwnerGone(new OwnerGone(t.getRef().unsafeUpcast())))
        .build();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    Key key = new Key(a.name(), false, a.owner());
    if (waiting.containsKey(key)) {
      a.owner().tell(new LockEvent.NotAcquired(a.name(), "already waiting for it"));
      return this;
    }
    KvLock lock = mutexes.computeIfAbsent(key, k -> locks.mutex(a.name()));
    watch(a.owner());
    CompletableFuture<Optional<LockGrant>> attempt =
        (a.maxWait() == null ? KvLocks.map(lock.lock().toCompletableFuture(), Optional::of, g -> lock.unlock())
            : lock.tryLock(a.maxWait()))
            .toCompletableFuture();
    waiting.put(key, attempt);
    attempt.whenComplete((g, e) -> getContext().getSelf().tell(
        new Outcome(key, attempt, g == null ? null : g.orElse(null), e, e == null && g.isEmpty())));
    return this;
  }

  private Behavior<Command> onCampaign(Campaign c) {
    Key key = new Key(c.name(), true, c.owner());
    KvElection active = elections.get(key);
    if (waiting.containsKey(key) || active != null && active.active()) {
      c.owner().tell(new LockEvent.NotAcquired(c.name(), "already campaigning"));
      return this;
    }
    KvElection election = elections.computeIfAbsent(key, k -> locks.election(c.name()));
    watch(c.owner());
    CompletableFuture<LockGrant> attempt = election.campaign(c.value()).toCompletableFuture();
    waiting.put(key, attempt);
    attempt.whenComplete((g, e) -> getContext().getSelf().tell(new Outcome(key, attempt, g, e, false)));
    return this;
  }

  private Behavior<Command> onOutcome(Outcome o) {
    // A Release or Resign handled in between took the attempt out (and dealt with its grant).
    if (!waiting.remove(o.key(), o.attempt())) return this;
    String name = o.key().name();
    if (o.grant() != null) {
      o.key().owner().tell(new LockEvent.Acquired(name, o.grant().token()));
      long token = o.grant().token();
      KvLock lock = mutexes.get(o.key());
      if (lock == null || lock.holds() == 1) { // a reentrant hold is the same grant: told of its loss once
        o.grant().lost().thenAccept(reason -> getContext().getSelf().tell(new LostHold(o.key(), token, reason)));
      }
    } else {
      String reason = o.timedOut() ? "not acquired within the wait"
          : o.error() == null ? "not acquired" : String.valueOf(LockSession.cause(o.error()).getMessage());
      if (!(o.error() instanceof java.util.concurrent.CancellationException)) {
        o.key().owner().tell(new LockEvent.NotAcquired(name, reason));
      }
      forgetIfIdle(o.key());
    }
    return this;
  }

  private Behavior<Command> onLost(LostHold l) {
    l.key().owner().tell(new LockEvent.Lost(l.key().name(), l.token(), l.reason()));
    mutexes.remove(l.key());
    elections.remove(l.key());
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    Key key = new Key(r.name(), false, r.owner());
    CompletableFuture<?> wait = waiting.remove(key);
    if (wait != null) wait.cancel(false);
    KvLock lock = mutexes.get(key);
    if (lock != null && lock.holds() > 0) {
      boolean last = lock.holds() == 1;
      lock.unlock();
      if (last) mutexes.remove(key);
      r.owner().tell(new LockEvent.Released(r.name()));
    }
    return this;
  }

  private Behavior<Command> onResign(Resign r) {
    Key key = new Key(r.name(), true, r.owner());
    CompletableFuture<?> wait = waiting.remove(key);
    if (wait != null) wait.cancel(false);
    KvElection e = elections.remove(key);
    if (e != null) {
      e.resign();
      r.owner().tell(new LockEvent.Released(r.name()));
    }
    return this;
  }

  private Behavior<Command> onObserve(Observe o) {
    ActorRef<LockEvent> observer = o.observer();
    watch(observer);
    LeaderObserver previous = observers.put(observer,
        locks.election(o.name()).observe(leader -> observer.tell(new LockEvent.LeaderChanged(o.name(), leader))));
    if (previous != null) previous.cancel();
    return this;
  }

  /** The owner stopped: everything it held or waited for is released. */
  private Behavior<Command> onOwnerGone(OwnerGone g) {
    for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().owner().equals(g.owner())) {
        e.getValue().cancel(false);
        it.remove();
      }
    }
    mutexes.entrySet().removeIf(e -> {
      if (!e.getKey().owner().equals(g.owner())) return false;
      while (e.getValue().holds() > 0) e.getValue().unlock();
      return true;
    });
    elections.entrySet().removeIf(e -> {
      if (!e.getKey().owner().equals(g.owner())) return false;
      e.getValue().resign();
      return true;
    });
    LeaderObserver o = observers.remove(g.owner());
    if (o != null) o.cancel();
    watched.remove(g.owner());
    return this;
  }

  private void forgetIfIdle(Key key) {
    KvLock lock = mutexes.get(key);
    if (lock != null && lock.holds() == 0) mutexes.remove(key);
    KvElection election = elections.get(key);
    if (election != null && !election.active()) elections.remove(key);
  }

  /** Owners are watched from their first request on: when one stops, what it held is released. */
  private void watch(ActorRef<LockEvent> owner) {
    if (watched.add(owner)) getContext().watch(owner);
  }
}
