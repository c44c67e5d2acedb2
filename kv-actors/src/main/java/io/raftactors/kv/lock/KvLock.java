package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A distributed lock: a mutex ({@link KvLocks#mutex}) or either side of a read-write lock ({@link
 * KvLocks#readWriteLock}).
 *
 * <p>A mutex is ZooKeeper's lock recipe on the replicated store: each acquisition queues an
 * entry attached to the session's lease; the oldest entry holds the lock; each waiter watches only
 * the entry right before its own, so a release wakes exactly one waiter (no herd), and waiters
 * are served first come, first served. A grant carries a fencing token.
 *
 * <p>Reentrant for its owner, this object: a second {@code lock} by the same {@code KvLock}
 * while it holds only counts, and the lock is released by as many {@link #unlock}s. Use one
 * {@code KvLock} per owner (thread, actor, task); two of them on one name exclude each other.
 * Cancelling the stage of a waiting {@code lock} stops waiting and leaves the queue.
 */
public final class KvLock {
  private final KvLocks locks;
  private final String name;
  private final Bytes prefix;
  private LockGrant grant;
  private int holds;
  private CompletableFuture<Optional<LockGrant>> acquiring;

  private final QueueWaiter.Rule rule;
  private final String tag;

  KvLock(KvLocks locks, String name, Bytes prefix, QueueWaiter.Rule rule, String tag) {
    this.locks = locks;
    this.name = name;
    this.prefix = prefix;
    this.rule = rule;
    this.tag = tag;
  }

  public String name() {
    return name;
  }

  /** Waits as long as it takes; fails if the session ends first. */
  public CompletionStage<LockGrant> lock() {
    return KvLocks.map(acquire(null), Optional::get, g -> unlock());
  }

  /**
   * Waits at most {@code wait} ({@link Duration#ZERO}: takes the lock only if nobody holds or waits
   * for it); empty if not acquired, and then it left the queue.
   */
  public CompletionStage<Optional<LockGrant>> tryLock(Duration wait) {
    return acquire(wait);
  }

  private synchronized CompletableFuture<Optional<LockGrant>> acquire(Duration wait) {
    if (grant != null && grant.isLost()) { // its session ended or its entry went: no longer held
      LockGrant gone = grant;
      grant = null;
      holds = 0;
      return CompletableFuture.failedFuture(new LockLostException("the lock " + name + " (token " + gone.token()
          + ") was lost: " + gone.lost().toCompletableFuture().getNow("")));
    }
    if (grant != null) {
      holds++;
      return CompletableFuture.completedFuture(Optional.of(grant));
    }
    if (acquiring != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "this owner already waits for " + name + "; one acquisition at a time (use one KvLock per owner)"));
    }
    CompletableFuture<Optional<LockGrant>> result = new CompletableFuture<>();
    acquiring = result;
    result.whenComplete((r, e) -> {
      if (e instanceof java.util.concurrent.CancellationException) {
        synchronized (this) {
          if (acquiring == result) acquiring = null; // the owner may try again at once
        }
      }
    });
    locks.queue(prefix, rule, wait, locks.uniqueValue(tag), result,
        (entry, session) -> LockGrant.held(locks.client(), name, entry.key(), entry.createRevision(), session))
        .whenComplete((g, error) -> granted(result, g, error));
    return result;
  }

  private void granted(CompletableFuture<Optional<LockGrant>> result, LockGrant g, Throwable error) {
    boolean adopted = false;
    synchronized (this) {
      boolean current = acquiring == result;
      if (current) acquiring = null;
      if (g != null && current && !result.isCancelled()) {
        grant = g;
        holds = 1;
        adopted = true;
      }
    }
    if (g != null && !adopted) { // given up meanwhile: this hold is nobody's
      g.released();
      locks.release(g.key());
      return;
    }
    if (error != null) {
      result.completeExceptionally(LockSession.cause(error));
    } else if (!result.complete(Optional.ofNullable(g)) && g != null) {
      // Cancelled just as it was granted: this hold is nobody's.
      boolean last;
      synchronized (this) {
        last = grant == g && --holds == 0;
        if (last) grant = null;
      }
      if (last) {
        g.released();
        locks.release(g.key());
      }
    }
  }

  /** Releases one hold; the last one deletes the entry, which wakes the next waiter. */
  public CompletionStage<Void> unlock() {
    LockGrant g;
    synchronized (this) {
      if (grant == null) return CompletableFuture.failedFuture(new IllegalStateException("not holding " + name));
      if (--holds > 0) return CompletableFuture.completedFuture(null);
      g = grant;
      grant = null;
    }
    g.released();
    return locks.release(g.key());
  }

  /** How many times this owner holds the lock (0: not). */
  public synchronized int holds() {
    return holds;
  }

  /** The current grant, if this owner holds the lock. */
  public synchronized Optional<LockGrant> grant() {
    return Optional.ofNullable(grant);
  }
}
