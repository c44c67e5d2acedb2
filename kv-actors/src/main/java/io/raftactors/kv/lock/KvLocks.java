package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvWrite;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * ZooKeeper-style coordination on the replicated store: mutexes, read-write locks, counting
 * semaphores and leader elections, all built on one recipe, a queue of sequential entries attached
 * to the client's {@link LockSession} (see {@link QueueWaiter}). Every grant carries a fencing
 * token. A session that ends (the client died or was cut off longer than {@code
 * kv.lock.session-ttl}) releases everything it held; the next acquisition opens a new one.
 *
 * <p>Entries live under reserved prefixes of the key space, readable like any key: {@code
 * __lock/NAME/} (mutexes, shared with the RESP {@code LOCK} command), {@code __rwlock/NAME/},
 * {@code __semaphore/NAME/} and {@code __election/NAME/}, each followed by the entry's 20-digit
 * token.
 */
public final class KvLocks implements AutoCloseable {
  private final KvClient client;
  private final LockSettings settings;
  private final AtomicReference<CompletableFuture<LockSession>> session = new AtomicReference<>();
  private final String owner = UUID.randomUUID().toString();
  private final AtomicLong acquisitions = new AtomicLong();
  private volatile boolean closed;

  private KvLocks(KvClient client, LockSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  /** Locks through {@code client}, with the settings of its actor system's config. */
  public static KvLocks create(KvClient client) {
    return create(client, LockSettings.fromRoot(client.system().settings().config()));
  }

  public static KvLocks create(KvClient client, LockSettings settings) {
    return new KvLocks(client, settings);
  }

  /** The mutex {@code name}, for one owner (see {@link KvLock}). */
  public KvLock mutex(String name) {
    return new KvLock(this, name, mutexPrefix(name), QueueWaiter.EXCLUSIVE, "");
  }

  /**
   * The read-write lock {@code name} (ZooKeeper's shared lock recipe): readers share it, a writer
   * excludes everyone; in arrival order, so a waiting writer is not starved by later readers.
   */
  public KvReadWriteLock readWriteLock(String name) {
    Bytes prefix = prefix("__rwlock/", name);
    return new KvReadWriteLock(
        new KvLock(this, name, prefix, KvReadWriteLock.READER, KvReadWriteLock.READ_TAG),
        new KvLock(this, name, prefix, QueueWaiter.EXCLUSIVE, KvReadWriteLock.WRITE_TAG));
  }

  /** The counting semaphore {@code name} with {@code permits} (every client must use the same number). */
  public KvSemaphore semaphore(String name, int permits) {
    return new KvSemaphore(this, name, prefix("__semaphore/", name), permits);
  }

  /** The leader election {@code name} (see {@link KvElection}). */
  public KvElection election(String name) {
    return new KvElection(this, name, prefix("__election/", name));
  }

  /** The prefix of the mutex {@code name}'s entries. */
  public static Bytes mutexPrefix(String name) {
    return prefix("__lock/", name);
  }

  static Bytes prefix(String kind, String name) {
    if (name.isEmpty()) throw new IllegalArgumentException("a lock name is not empty");
    return Bytes.of(kind + name + "/");
  }

  /**
   * How many times waiters in this JVM have listed their queue so far: with ZooKeeper's recipe, a
   * release wakes one waiter, which lists the queue once (no herd), so under contention this grows
   * by about one per hand-off (plus one per waiter every {@code kv.lock.recheck-interval}).
   */
  public static long queueReads() {
    return QueueWaiter.READS.sum();
  }

  /** The session entries are attached to (opened on first use, and again after one ended). */
  public CompletionStage<LockSession> session() {
    if (closed) return CompletableFuture.failedFuture(new IllegalStateException("the locks were closed"));
    CompletableFuture<LockSession> current = session.get();
    if (current != null && !current.isCompletedExceptionally()
        && !(current.isDone() && current.join().ended().toCompletableFuture().isDone())) {
      return current;
    }
    CompletableFuture<LockSession> opening = new CompletableFuture<>();
    if (!session.compareAndSet(current, opening)) return session();
    LockSession.open(client, settings.sessionTtl()).whenComplete((s, e) -> {
      if (e != null) opening.completeExceptionally(e);
      else opening.complete(s);
    });
    return opening;
  }

  KvClient client() {
    return client;
  }

  LockSettings settings() {
    return settings;
  }

  /** A value no other entry has: {@code tag}, this client's id and the acquisition's number. */
  Bytes uniqueValue(String tag) {
    return Bytes.of(tag + owner + ":" + acquisitions.incrementAndGet());
  }

  /**
   * Queues an entry under {@code prefix} in the session and waits by {@code rule}; {@code grant}
   * makes what the caller gets from the entry once it holds. {@code wait}: null waits as long as
   * it takes, zero does not wait at all. If {@code caller} is cancelled, the entry
   * leaves the queue (and is released if it was granted meanwhile).
   *
   * @param value the entry's value
   */
  <G> CompletionStage<G> queue(Bytes prefix, QueueWaiter.Rule rule, Duration wait, Bytes value,
      CompletableFuture<?> caller, BiFunction<KeyValue, LockSession, G> grant) {
    // A mutex that must not wait need not even queue: one write, nothing to undo.
    boolean onlyIfEmpty = wait != null && wait.isZero() && rule == QueueWaiter.EXCLUSIVE;
    return session().thenCompose(s -> {
      QueueWaiter waiter = new QueueWaiter(client, new KvWrite.Enqueue(prefix, value, s.lease(), 0, onlyIfEmpty), rule, s,
          settings.recheckInterval()).start(wait);
      caller.whenComplete((r, e) -> {
        if (e instanceof CancellationException) waiter.abandon();
      });
      return waiter.outcome().thenApply(entry -> {
        if (entry == null) return null;
        if (caller.isCancelled()) { // cancelled just as it was granted
          release(entry.key());
          return null;
        }
        return grant.apply(entry, s);
      });
    });
  }

  /**
   * {@code inner} mapped by {@code f}, as a stage whose cancellation cancels {@code inner} (which
   * {@code thenApply} does not: a cancelled wait must leave the queue); if {@code inner} is granted
   * just as the outer stage is cancelled, {@code giveBack} releases what it granted.
   */
  static <A, B> CompletableFuture<B> map(CompletableFuture<A> inner, java.util.function.Function<A, B> f,
      java.util.function.Consumer<B> giveBack) {
    CompletableFuture<B> outer = new CompletableFuture<>();
    inner.whenComplete((a, e) -> {
      if (e != null) {
        outer.completeExceptionally(LockSession.cause(e));
      } else {
        B b = f.apply(a);
        if (!outer.complete(b) && b != null) giveBack.accept(b);
      }
    });
    outer.whenComplete((b, e) -> {
      if (e instanceof CancellationException) inner.cancel(false);
    });
    return outer;
  }

  /** Deletes an entry (a release); if that fails, the session keeps trying. */
  CompletionStage<Void> release(Bytes key) {
    return client.write(new KvWrite.Delete(key, false)).handle((r, e) -> {
      if (e != null) {
        CompletableFuture<LockSession> s = session.get();
        if (s != null && s.isDone() && !s.isCompletedExceptionally()) s.join().orphan(key);
      }
      return null;
    });
  }

  /** Ends the session: everything it holds is released. */
  public CompletionStage<Void> closeAsync() {
    closed = true;
    CompletableFuture<LockSession> s = session.getAndSet(null);
    if (s == null) return CompletableFuture.completedFuture(null);
    return s.handle((x, e) -> x).thenCompose(x -> x == null ? CompletableFuture.completedFuture(null) : x.closeAsync());
  }

  @Override
  public void close() {
    closeAsync();
  }
}
