package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mutexes held for a TTL rather than a session, for clients that cannot keep a session alive:
 * the RESP {@code LOCK}, {@code UNLOCK} and {@code RENEW} commands. They queue in the same queue
 * as {@link KvLocks#mutex} of the same name, so both kinds of client exclude each other. A holder
 * keeps the lock by renewing it before its TTL ends; a holder that stops renewing loses it when the
 * TTL ends, measured from the grant on the leader-stamped clock of the log.
 *
 * <p>Not reentrant: the token is the holder's only identity. A second {@code LOCK} of the same name
 * waits like anyone else.
 */
public final class TtlLocks {
  private final KvClient client;
  private final Duration recheck;
  private final String owner = "ttl:" + UUID.randomUUID() + ":";
  private final AtomicLong acquisitions = new AtomicLong();

  public TtlLocks(KvClient client, Duration recheck) {
    this.client = client;
    this.recheck = recheck;
  }

  /** An acquisition in progress; {@link #cancel} abandons it (its entry leaves the queue). */
  public interface Pending {
    /** The fencing token, or 0 when not acquired in time. */
    CompletionStage<Long> token();

    void cancel();
  }

  /**
   * Takes the lock {@code name} for {@code ttlMillis}, waiting at most {@code waitMillis} (0: not at
   * all). Uncontended, one write: an entry that expires {@code ttlMillis} from now. Contended, the
   * entry queues with a TTL of wait plus TTL (it never ends while it waits), and once it holds, its
   * TTL is reset to {@code ttlMillis} from the grant.
   */
  public Pending lock(String name, long ttlMillis, long waitMillis) {
    if (ttlMillis <= 0 || waitMillis < 0) throw new IllegalArgumentException("TTL must be positive, wait not negative");
    Bytes prefix = KvLocks.mutexPrefix(name);
    Bytes value = Bytes.of(owner + acquisitions.incrementAndGet());
    CompletableFuture<Long> token = new CompletableFuture<>();
    QueueWaiter[] waiter = {null};
    boolean[] cancelled = {false};
    client.write(new KvWrite.Enqueue(prefix, value, 0, ttlMillis, true)).whenComplete((r, error) -> {
      if (error != null) {
        token.completeExceptionally(LockSession.cause(error));
        return;
      }
      KvResult.EnqueueResult first = (KvResult.EnqueueResult) r;
      if (first.entry() != null) {
        token.complete(first.token());
        return;
      }
      if (waitMillis == 0) {
        token.complete(0L);
        return;
      }
      QueueWaiter w = new QueueWaiter(client,
          new KvWrite.Enqueue(prefix, value, 0, Math.addExact(ttlMillis, waitMillis), false), QueueWaiter.EXCLUSIVE,
          null, recheck);
      synchronized (waiter) {
        waiter[0] = w;
        if (cancelled[0]) w.abandon();
      }
      w.start(Duration.ofMillis(waitMillis)).outcome().whenComplete((entry, e) -> {
        if (e != null) token.completeExceptionally(LockSession.cause(e));
        else if (entry == null) token.complete(0L);
        else holdFor(entry, ttlMillis, token);
      });
    });
    return new Pending() {
      @Override
      public CompletionStage<Long> token() {
        return token;
      }

      @Override
      public void cancel() {
        synchronized (waiter) {
          cancelled[0] = true;
          if (waiter[0] != null) waiter[0].abandon();
        }
      }
    };
  }

  /** The entry holds: its TTL becomes {@code ttlMillis} from now; if it expired meanwhile, not acquired. */
  private void holdFor(KeyValue entry, long ttlMillis, CompletableFuture<Long> token) {
    client.write(new KvWrite.Touch(entry.key(), ttlMillis)).whenComplete((r, e) -> {
      if (e != null) token.completeExceptionally(LockSession.cause(e));
      else token.complete(((KvResult.TouchResult) r).found() ? entry.createRevision() : 0L);
    });
  }

  /** Releases the lock held with {@code token}; false if that holder no longer holds it. */
  public CompletionStage<Boolean> unlock(String name, long token) {
    return client.write(new KvWrite.Delete(KvWrite.Enqueue.entryKey(KvLocks.mutexPrefix(name), token), false))
        .thenApply(r -> ((KvResult.DeleteResult) r).deleted() > 0);
  }

  /** Extends the lock held with {@code token} to {@code ttlMillis} from now; false if it is no longer held. */
  public CompletionStage<Boolean> renew(String name, long token, long ttlMillis) {
    if (ttlMillis <= 0) throw new IllegalArgumentException("TTL must be positive");
    return client.write(new KvWrite.Touch(KvWrite.Enqueue.entryKey(KvLocks.mutexPrefix(name), token), ttlMillis))
        .thenApply(r -> ((KvResult.TouchResult) r).found());
  }
}
