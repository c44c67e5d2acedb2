package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A distributed counting semaphore: each acquisition queues an entry in the session; the first
 * {@code permits} entries hold a permit, the others wait in arrival order. A waiter watches the
 * queue for departures before its own entry (each release wakes the waiters, which count again
 * without reading the queue unless one went before them). Permits are released by their holder,
 * or when its session ends. Each permit carries a fencing token.
 */
public final class KvSemaphore {
  private final KvLocks locks;
  private final String name;
  private final Bytes prefix;
  private final QueueWaiter.Rule rule;
  private final int permits;

  KvSemaphore(KvLocks locks, String name, Bytes prefix, int permits) {
    if (permits < 1) throw new IllegalArgumentException("a semaphore has at least one permit");
    this.locks = locks;
    this.name = name;
    this.prefix = prefix;
    this.permits = permits;
    this.rule = new QueueWaiter.Rule() {
      @Override
      public KeyValue blocker(List<KeyValue> ahead, KeyValue own) {
        return ahead.size() < permits ? null : ahead.get(ahead.size() - permits);
      }

      @Override
      public boolean watchesQueue() {
        return true;
      }
    };
  }

  public int permits() {
    return permits;
  }

  /** Waits for a permit as long as it takes. */
  public CompletionStage<LockGrant> acquire() {
    return KvLocks.map(tryAcquire(null).toCompletableFuture(), Optional::get, this::release);
  }

  /**
   * Waits at most {@code wait} for a permit ({@link Duration#ZERO}: only if one is free and nobody
   * waits); empty if none was had, and then it left the queue.
   */
  public CompletionStage<Optional<LockGrant>> tryAcquire(Duration wait) {
    CompletableFuture<Optional<LockGrant>> result = new CompletableFuture<>();
    locks.queue(prefix, rule, wait, locks.uniqueValue(""),
        result, (entry, session) -> LockGrant.held(locks.client(), name, entry.key(), entry.createRevision(), session))
        .whenComplete((g, e) -> {
          if (e != null) {
            result.completeExceptionally(LockSession.cause(e));
          } else if (!result.complete(Optional.ofNullable(g)) && g != null) {
            release(g); // cancelled just as it was granted
          }
        });
    return result;
  }

  /** Gives the permit back. */
  public CompletionStage<Void> release(LockGrant permit) {
    permit.released();
    return locks.release(permit.key());
  }
}
