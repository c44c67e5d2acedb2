package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.Compare;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.ReadConsistency;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Leader election for applications (etcd's election recipe): candidates queue entries, holding
 * their value, in their sessions; the oldest is the leader, and the others wait for the one
 * before them. The leader's fencing token (its entry's revision) grows with each new leader: use
 * it to fence what the leader writes. When the leader resigns or its session ends, the next
 * candidate leads. {@link #observe} follows who leads without campaigning.
 *
 * <p>One campaign at a time per {@code KvElection} object (one per candidate).
 */
public final class KvElection {
  /** A leader: its value, its entry's key and its token. */
  public record Leader(Bytes value, Bytes key, long token) {
    /** An entry's value is a unique candidate id, a zero byte, then the candidate's value. */
    static Leader of(KeyValue kv) {
      byte[] b = kv.value().unsafeArray();
      int zero = 0;
      while (zero < b.length && b[zero] != 0) zero++;
      Bytes value = zero < b.length ? Bytes.wrap(java.util.Arrays.copyOfRange(b, zero + 1, b.length)) : kv.value();
      return new Leader(value, kv.key(), kv.createRevision());
    }
  }

  private final KvLocks locks;
  private final String name;
  private final Bytes prefix;
  private CompletableFuture<LockGrant> campaign;
  private LockGrant leadership;
  /** The leading entry's candidate id (before its value). */
  private Bytes candidate;

  KvElection(KvLocks locks, String name, Bytes prefix) {
    this.locks = locks;
    this.name = name;
    this.prefix = prefix;
  }

  /**
   * Stands as a candidate with {@code value}; completes once this candidate leads. Cancel the stage
   * to withdraw while waiting.
   */
  public synchronized CompletionStage<LockGrant> campaign(Bytes value) {
    if (leadership != null && leadership.isLost()) leadership = null; // its session ended: campaign anew
    if (campaign != null && !campaign.isDone() || leadership != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("already campaigning in " + name));
    }
    CompletableFuture<LockGrant> result = new CompletableFuture<>();
    campaign = result;
    // A unique id first, so that the candidate's own entry is never mistaken for another's with the same value.
    Bytes id = locks.uniqueValue("candidate:").concat(Bytes.wrap(new byte[] {0}));
    locks.queue(prefix, QueueWaiter.EXCLUSIVE, null, id.concat(value), result,
        (entry, session) -> LockGrant.held(locks.client(), name, entry.key(), entry.createRevision(), session))
        .whenComplete((g, e) -> {
          if (e != null) {
            result.completeExceptionally(LockSession.cause(e));
            return;
          }
          boolean adopted = false;
          synchronized (this) {
            if (g != null && campaign == result && !result.isCancelled()) {
              leadership = g;
              candidate = id;
              adopted = true;
            }
          }
          if (g != null && (!adopted || !result.complete(g))) { // withdrawn or superseded just as it won
            synchronized (this) {
              if (leadership == g) leadership = null;
            }
            g.released();
            locks.release(g.key());
          } else if (g == null) {
            result.complete(null);
          }
        });
    return result;
  }

  /** Changes the leader's value (only while this candidate leads); false if it no longer does. */
  public CompletionStage<Boolean> proclaim(Bytes value) {
    LockGrant g;
    Bytes id;
    synchronized (this) {
      g = leadership;
      id = candidate;
    }
    if (g == null) return CompletableFuture.failedFuture(new IllegalStateException("not leading " + name));
    long lease = g.session() == null ? 0 : g.session().lease();
    KvWrite.Txn txn = new KvWrite.Txn(List.of(Compare.createRevision(g.key(), Compare.Relation.EQUAL, g.token())),
        List.of(new KvWrite.Put(g.key(), id.concat(value), lease, 0, false, KvWrite.Condition.ALWAYS, false)),
        List.of());
    return locks.client().txn(txn).thenApply(KvResult.TxnResult::succeeded);
  }

  /** Steps down (or withdraws a waiting campaign): the next candidate leads. */
  public CompletionStage<Void> resign() {
    LockGrant g;
    CompletableFuture<LockGrant> waiting;
    synchronized (this) {
      g = leadership;
      leadership = null;
      waiting = campaign;
      campaign = null;
    }
    if (g == null) {
      if (waiting != null) waiting.cancel(false);
      return CompletableFuture.completedFuture(null);
    }
    g.released();
    return locks.release(g.key());
  }

  /** Whether this candidate leads or campaigns. */
  public synchronized boolean active() {
    return leadership != null || campaign != null && !campaign.isDone();
  }

  /** Who leads now (a linearizable read), if anyone. */
  public CompletionStage<Optional<Leader>> leader() {
    return locks.client().range(prefix, 0, ReadConsistency.LINEARIZABLE).thenApply(r -> first(r.kvs()));
  }

  Optional<Leader> first(List<KeyValue> kvs) {
    for (KeyValue kv : kvs) {
      if (KvWrite.Enqueue.tokenOf(prefix, kv.key()) > 0) return Optional.of(Leader.of(kv));
    }
    return Optional.empty();
  }

  /**
   * Calls {@code listener} with the leader now and again at every change (a new leader, a
   * proclaimed value, nobody); stop it with {@link LeaderObserver#cancel}.
   */
  public LeaderObserver observe(Consumer<Optional<Leader>> listener) {
    return new LeaderObserver(locks.client(), prefix, this::first, listener, locks.settings().recheckInterval()).start();
  }
}
