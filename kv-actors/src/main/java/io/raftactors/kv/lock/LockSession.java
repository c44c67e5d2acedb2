package io.raftactors.kv.lock;

import akka.actor.Cancellable;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvException;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.ReadConsistency;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock client's session (ZooKeeper's session, etcd's concurrency session): a lease of the store,
 * renewed every third of its TTL while the session is open. The entries of its locks, permits and
 * candidacies are attached to the lease, like ephemeral nodes: when the client dies or is cut off
 * longer than the TTL, the lease ends and one replicated command deletes them all, on every
 * replica at the same log position.
 *
 * <p>The client's own view: {@link #isValid()} turns false once a renewal could not be confirmed
 * in time, a little before the store can end the lease (the margin covers clock rates of the
 * client and the leader differing by up to 10%). From then on the session is over ({@link
 * #ended()}), and what it held must be treated as lost; a fenced write ({@link
 * KvWrite.FencedPut}) is what keeps a holder that does not notice in time from doing damage.
 */
public final class LockSession implements AutoCloseable {
  /** An entry that may exist without an owner: the one of {@code value} under {@code prefix}, or {@code key}. */
  private record Suspect(Bytes prefix, Bytes value, Bytes key, long sinceNanos) {}

  private final KvClient client;
  private final long lease;
  private final Duration ttl;
  private final long validityNanos;
  private volatile long validUntilNanos;
  private final CompletableFuture<String> ended = new CompletableFuture<>();
  private final AtomicBoolean renewing = new AtomicBoolean();
  private final Map<Suspect, Boolean> suspects = new ConcurrentHashMap<>();
  /** Grants held in this session, told when it ends. */
  private final java.util.Set<LockGrant> grants = ConcurrentHashMap.newKeySet();
  private final Cancellable ticker;

  private LockSession(KvClient client, long lease, Duration ttl, long grantSentNanos) {
    this.client = client;
    this.lease = lease;
    this.ttl = ttl;
    this.validityNanos = ttl.toNanos() / 10 * 9;
    this.validUntilNanos = grantSentNanos + validityNanos;
    Duration every = ttl.dividedBy(3);
    this.ticker = client.system().scheduler().scheduleWithFixedDelay(every, every, this::tick,
        client.system().executionContext());
  }

  /** Opens a session whose lease has {@code ttl}. */
  public static CompletionStage<LockSession> open(KvClient client, Duration ttl) {
    long sent = System.nanoTime();
    return client.grantLease(ttl).thenApply(id -> new LockSession(client, id, ttl, sent));
  }

  /** The lease every entry of this session is attached to. */
  public long lease() {
    return lease;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Whether the session is open and its lease was renewed recently enough to be certainly alive. */
  public boolean isValid() {
    return !ended.isDone() && System.nanoTime() - validUntilNanos < 0;
  }

  /**
   * Until when ({@link System#nanoTime()}) the session is certainly alive, as far as the client
   * knows: the send time of the newest confirmed renewal plus 90% of the TTL.
   */
  public long validUntilNanos() {
    return validUntilNanos;
  }

  /** Completes, with the reason, when the session is over (closed, expired, or not renewed in time). */
  public CompletionStage<String> ended() {
    return ended;
  }

  KvClient client() {
    return client;
  }

  /** A grant of this session: lost when the session ends. */
  void hold(LockGrant g) {
    grants.add(g);
    if (ended.isDone()) g.lose("the session ended: " + ended.join());
  }

  void forget(LockGrant g) {
    grants.remove(g);
  }

  /**
   * An entry of {@code value} may have been created under {@code prefix} by a write whose outcome
   * is unknown: if it turns up, it is deleted (nobody waits on it, and it would block others as
   * long as the session lives).
   */
  void suspect(Bytes prefix, Bytes value) {
    suspects.put(new Suspect(prefix, value, null, System.nanoTime()), Boolean.TRUE);
  }

  /** The entry {@code key} should be gone but its deletion failed: it is tried again. */
  void orphan(Bytes key) {
    suspects.put(new Suspect(null, null, key, System.nanoTime()), Boolean.TRUE);
  }

  private void tick() {
    if (ended.isDone()) return;
    if (System.nanoTime() - validUntilNanos >= 0) {
      end("the session's lease could not be renewed in time");
      return;
    }
    sweepSuspects();
    if (!renewing.compareAndSet(false, true)) return;
    long sent = System.nanoTime();
    client.keepAlive(lease).whenComplete((r, error) -> {
      renewing.set(false);
      if (error == null) {
        validUntilNanos = Math.max(validUntilNanos, sent + validityNanos);
      } else if (cause(error) instanceof KvException.Refused refused
          && refused.failure().code() == KvResult.Failure.Code.LEASE_NOT_FOUND) {
        end("the session's lease expired");
      }
    });
  }

  private void sweepSuspects() {
    long forgetAfter = Math.max(Duration.ofMinutes(1).toNanos(), 3 * ttl.toNanos());
    for (Suspect s : suspects.keySet()) {
      if (System.nanoTime() - s.sinceNanos() > forgetAfter) {
        suspects.remove(s);
        continue;
      }
      if (s.key() != null) {
        client.write(new KvWrite.Delete(s.key(), false)).thenRun(() -> suspects.remove(s));
        continue;
      }
      client.range(s.prefix(), 0, ReadConsistency.LINEARIZABLE).thenAccept(r -> {
        for (KeyValue kv : r.kvs()) {
          if (kv.value().equals(s.value()) && kv.lease() == lease && KvWrite.Enqueue.tokenOf(s.prefix(), kv.key()) > 0) {
            client.write(new KvWrite.Delete(kv.key(), false)).thenRun(() -> suspects.remove(s));
          }
        }
      });
    }
  }

  private void end(String reason) {
    if (!ended.complete(reason)) return;
    ticker.cancel();
    for (LockGrant g : grants) g.lose("the session ended: " + reason);
    if (!reason.equals("closed")) client.revokeLease(lease).exceptionally(e -> 0L); // free others at once
  }

  /** Ends the session: its lease is revoked, which releases everything it holds. */
  public CompletionStage<Void> closeAsync() {
    boolean first = ended.complete("closed");
    ticker.cancel();
    if (!first) return CompletableFuture.completedFuture(null);
    for (LockGrant g : grants) g.lose("the session ended: closed");
    return client.revokeLease(lease).handle((n, e) -> null);
  }

  @Override
  public void close() {
    closeAsync();
  }

  static Throwable cause(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
