package io.raftactors.kv.lock;

import akka.actor.Cancellable;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvException;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.WatchEvent;
import io.raftactors.raft.ReadConsistency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One entry's way to the front of a queue, ZooKeeper's lock recipe: create the next sequential
 * entry under the prefix; if the {@link Rule} says it does not hold yet, watch the one entry it
 * waits for (not the whole queue: no herd effect) and look again when that one goes. Entries are
 * served in the order they were created. Also looks again every recheck interval, in case the
 * watch's replica went down.
 *
 * <p>{@link #outcome()} completes with the entry once it holds; with null if it was not created
 * ({@code onlyIfEmpty} found others) or the wait was abandoned (deadline, {@link #abandon()}),
 * in which case the entry has been deleted; exceptionally if the entry is lost (its session or TTL
 * ended) or the store failed.
 */
final class QueueWaiter {
  /** What an entry waits for. */
  interface Rule {
    /**
     * The entry {@code own} waits for, given the entries queued before it (in order); null when it
     * holds.
     */
    KeyValue blocker(List<KeyValue> ahead, KeyValue own);

    /** Whether the waiter watches the whole queue for departures, not just the blocker. */
    default boolean watchesQueue() {
      return false;
    }
  }

  /** Queue listings by waiters in this JVM (see {@link KvLocks#queueReads()}). */
  static final java.util.concurrent.atomic.LongAdder READS = new java.util.concurrent.atomic.LongAdder();

  /** A mutex and a writer wait for the entry right before them. */
  static final Rule EXCLUSIVE = (ahead, own) -> ahead.isEmpty() ? null : ahead.get(ahead.size() - 1);

  private final KvClient client;
  private final KvWrite.Enqueue enqueue;
  private final Rule rule;
  private final LockSession session;
  private final Duration recheck;
  private final CompletableFuture<KeyValue> outcome = new CompletableFuture<>();
  private KeyValue own;
  private boolean abandoned;
  /** Not waiting at all: abandon as soon as the entry would have to wait. */
  private boolean noWait;
  private boolean checking;
  private boolean checkAgain;
  /** The last stale read had not seen this entry yet: read linearizably. */
  private boolean staleFailed;
  private KvClient.Watch watch;
  private Bytes watched;
  private Cancellable timer;
  private Cancellable deadline;

  /**
   * @param session the session the entry belongs to, told about entries an unknown outcome may
   *     have left behind; null for TTL entries (they end on their own)
   */
  QueueWaiter(KvClient client, KvWrite.Enqueue enqueue, Rule rule, LockSession session, Duration recheck) {
    this.client = client;
    this.enqueue = enqueue;
    this.rule = rule;
    this.session = session;
    this.recheck = recheck;
  }

  CompletableFuture<KeyValue> outcome() {
    return outcome;
  }

  /**
   * Creates the entry and waits; gives up (deleting it) after {@code wait}, if not null, or as soon
   * as it would have to wait, if zero.
   */
  QueueWaiter start(Duration wait) {
    noWait = wait != null && wait.isZero();
    if (wait != null && !noWait) {
      synchronized (this) {
        deadline = client.system().scheduler().scheduleOnce(wait, this::abandon, client.system().executionContext());
      }
    }
    client.write(enqueue).whenComplete((r, error) -> {
      if (error == null) onCreated((KvResult.EnqueueResult) r);
      else if (LockSession.cause(error) instanceof KvException.OutcomeUnknown) adoptAfterUnknown(error);
      else fail(LockSession.cause(error));
    });
    return this;
  }

  private synchronized void onCreated(KvResult.EnqueueResult r) {
    if (r.entry() == null) {
      finish(null);
      return;
    }
    own = r.entry();
    if (abandoned) {
      release();
      return;
    }
    if (r.ahead() == 0) {
      finish(own);
    } else if (rule == EXCLUSIVE) {
      await(r.predecessor(), r.revision());
    } else {
      check();
    }
  }

  /**
   * A creation with unknown outcome: find the entry by its value and lease, or give up and have
   * the session sweep it later.
   */
  private void adoptAfterUnknown(Throwable error) {
    client.range(enqueue.prefix(), 0, ReadConsistency.LINEARIZABLE).whenComplete((r, e) -> {
      KeyValue found = null;
      if (e == null) {
        for (KeyValue kv : r.kvs()) {
          if (kv.value().equals(enqueue.value()) && kv.lease() == enqueue.lease()
              && KvWrite.Enqueue.tokenOf(enqueue.prefix(), kv.key()) > 0) {
            found = kv;
          }
        }
      }
      if (found != null) {
        synchronized (this) {
          own = found;
          if (abandoned) release();
          else check();
        }
      } else {
        if (session != null) session.suspect(enqueue.prefix(), enqueue.value());
        fail(LockSession.cause(error));
      }
    });
  }

  /** Lists the queue and decides: hold, wait for the blocker, or lost. */
  private synchronized void check() {
    if (outcome.isDone() || abandoned) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    // A stale read is enough: entries only ever join the queue behind this one, so a replica that
    // lags can show more entries ahead of it than there are now, never fewer. It must have seen
    // this entry created, though, or its absence would look like a loss: then it reads again,
    // linearizably.
    ReadConsistency consistency = staleFailed ? ReadConsistency.LINEARIZABLE : ReadConsistency.STALE;
    READS.increment();
    client.range(enqueue.prefix(), 0, consistency).whenComplete((r, error) -> {
      synchronized (this) {
        checking = false;
        if (outcome.isDone() || abandoned) return;
        if (error != null) {
          schedule(); // the store is unavailable for now; the timer tries again
          return;
        }
        staleFailed = r.revision() < own.createRevision();
        if (staleFailed) {
          check();
          return;
        }
        List<KeyValue> ahead = new ArrayList<>();
        boolean present = false;
        for (KeyValue kv : r.kvs()) {
          if (KvWrite.Enqueue.tokenOf(enqueue.prefix(), kv.key()) < 0) continue;
          if (kv.key().equals(own.key())) {
            present = true;
            break;
          }
          ahead.add(kv);
        }
        if (!present) {
          fail(new LockLostException("the entry " + own.key() + " is gone: its session or TTL ended, or it was deleted"));
          return;
        }
        KeyValue blocker = rule.blocker(ahead, own);
        if (blocker == null) {
          finish(own);
        } else {
          await(blocker, r.revision());
        }
        if (checkAgain) {
          checkAgain = false;
          check();
        }
      }
    });
  }

  /** Waits for {@code blocker} (or any entry, for a queue watcher) to go, from after {@code revision}. */
  private void await(KeyValue blocker, long revision) {
    if (noWait) {
      abandon();
      return;
    }
    Bytes target = rule.watchesQueue() ? enqueue.prefix() : blocker.key();
    if (watch == null || !target.equals(watched)) {
      if (watch != null) watch.cancel();
      watched = target;
      watch = client.watch(target, rule.watchesQueue(), revision + 1, this::onEvent, cancelled -> {
        synchronized (this) {
          watch = null;
          watched = null;
        }
        check();
      });
    }
    schedule();
  }

  private void onEvent(WatchEvent e) {
    if (e.type() != WatchEvent.Type.DELETE) return;
    synchronized (this) {
      if (own != null && e.kv().key().compareTo(own.key()) > 0) return; // behind this one: no matter
    }
    check();
  }

  private synchronized void schedule() {
    if (timer != null) timer.cancel();
    timer = client.system().scheduler().scheduleOnce(recheck, this::check, client.system().executionContext());
  }

  /** Stops waiting: the entry, once known, is deleted, and the outcome is null (unless it already held). */
  synchronized void abandon() {
    if (outcome.isDone() || abandoned) return;
    abandoned = true;
    stopWatching();
    if (own != null) release();
    // else: the creation is in flight; onCreated or adoptAfterUnknown releases it
  }

  private void release() {
    client.write(new KvWrite.Delete(own.key(), false)).whenComplete((r, e) -> {
      if (e != null && session != null) session.orphan(own.key());
      finish(null);
    });
  }

  private synchronized void finish(KeyValue holding) {
    stopWatching();
    if (deadline != null) deadline.cancel();
    outcome.complete(holding);
  }

  private synchronized void fail(Throwable error) {
    stopWatching();
    if (deadline != null) deadline.cancel();
    if (own != null && !(error instanceof LockLostException)) release(); // do not leave it queued
    outcome.completeExceptionally(error);
  }

  private void stopWatching() {
    if (watch != null) watch.cancel();
    watch = null;
    watched = null;
    if (timer != null) timer.cancel();
    timer = null;
  }
}
