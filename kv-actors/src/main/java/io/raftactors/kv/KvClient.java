package io.raftactors.kv;

import akka.actor.Cancellable;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import io.raftactors.raft.Asks;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.ReadConsistency;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The Java client of the key-value store: every operation as a {@link CompletionStage}.
 *
 * <ul>
 *   <li>Sends each operation to a replica (any replica forwards writes to the leader and serves
 *       reads at the requested consistency), moving on to the next replica when one does not
 *       answer, and retrying until {@code kv.client.operation-timeout}.
 *   <li>Writes belong to a client session (opened on first use, kept alive, replicated): a write
 *       retried after an unknown outcome is applied at most once and answered with its original
 *       result (Raft dissertation 6.3).
 *   <li>Failures say what happened: {@link KvException.NotApplied} (certainly no effect), {@link
 *       KvException.OutcomeUnknown} (a write that may have been applied), {@link
 *       KvException.Refused} (the store refused it; no effect).
 * </ul>
 *
 * Thread-safe. Futures complete on Akka's threads; do not block in callbacks.
 */
public final class KvClient implements AutoCloseable {
  private final ActorSystem<?> system;
  private final List<ActorRef<KvCommand>> replicas;
  private final KvSettings settings;
  private final AtomicInteger preferred = new AtomicInteger();
  private final AtomicReference<CompletableFuture<Long>> session = new AtomicReference<>();
  private final AtomicLong nextSeq = new AtomicLong(1);
  private final ConcurrentSkipListSet<Long> unconfirmed = new ConcurrentSkipListSet<>();
  /** Held while a write is numbered and added to {@link #unconfirmed}. */
  private final Object numbering = new Object();
  private final AtomicLong lastWriteNanos = new AtomicLong(System.nanoTime());
  private final AtomicInteger watchCount = new AtomicInteger();
  private final Cancellable keepAlive;
  private final AtomicReference<io.raftactors.kv.lock.KvLocks> locks = new AtomicReference<>();
  /** The limits of the scripts this client sends ({@code kv.script}). */
  private final ScriptLimits scriptLimits;

  private KvClient(ActorSystem<?> system, List<ActorRef<KvCommand>> replicas, KvSettings settings) {
    if (replicas.isEmpty()) throw new IllegalArgumentException("no replicas");
    this.system = system;
    this.replicas = List.copyOf(replicas);
    this.settings = settings;
    this.scriptLimits = ScriptLimits.fromRoot(system.settings().config());
    Duration every = settings.clientSessionTtl().dividedBy(3);
    this.keepAlive = system.scheduler().scheduleWithFixedDelay(every, every, this::keepSessionAlive,
        system.executionContext());
  }

  /** A client of the replicas at {@code replicas}, with the settings of the system's config. */
  public static KvClient create(ActorSystem<?> system, List<ActorRef<KvCommand>> replicas) {
    return new KvClient(system, replicas, KvSettings.fromRoot(system.settings().config()));
  }

  public static KvClient create(ActorSystem<?> system, List<ActorRef<KvCommand>> replicas, KvSettings settings) {
    return new KvClient(system, replicas, settings);
  }

  /**
   * ZooKeeper-style locks, read-write locks, semaphores and elections through this client, in one
   * lock session ({@code kv.lock.session-ttl}) that {@link #close} ends.
   */
  public io.raftactors.kv.lock.KvLocks locks() {
    io.raftactors.kv.lock.KvLocks current = locks.get();
    if (current != null) return current;
    locks.compareAndSet(null, io.raftactors.kv.lock.KvLocks.create(this));
    return locks.get();
  }

  /** The actor system the client runs on (its scheduler serves the lock recipes' timers). */
  public ActorSystem<?> system() {
    return system;
  }

  /**
   * Cluster administration (membership changes, leadership transfer) through this client's
   * replicas, each of which forwards to its leader; each operation retries within {@code
   * kv.client.operation-timeout}.
   */
  public io.raftactors.raft.RaftAdmin<KvCommand> admin() {
    return io.raftactors.raft.RaftAdmin.through(system, replicas, KvCommand.Admin::of, settings.clientOperationTimeout());
  }

  // ---- key-value operations ---------------------------------------------------------------

  public CompletionStage<KvResult.PutResult> put(String key, String value) {
    return put(KvWrite.Put.of(Bytes.of(key), Bytes.of(value)));
  }

  public CompletionStage<KvResult.PutResult> put(KvWrite.Put put) {
    return write(put).thenApply(KvResult.PutResult.class::cast);
  }

  /** Sets the key only if it does not exist (SETNX; Memcached add with {@code ttl}, or null). */
  public CompletionStage<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    return put(new KvWrite.Put(Bytes.of(key), Bytes.of(value), 0, ttl == null ? 0 : ttl.toMillis(), false,
        KvWrite.Condition.IF_ABSENT, false)).thenApply(KvResult.PutResult::applied);
  }

  /** Memcached {@code add}: {@link #putIfAbsent}. Read a key's cas unique with {@link #get} (its mod revision). */
  public CompletionStage<Boolean> add(String key, String value, Duration ttl) {
    return putIfAbsent(key, value, ttl);
  }

  public CompletionStage<Optional<KeyValue>> get(String key) {
    return get(Bytes.of(key), ReadConsistency.LINEARIZABLE);
  }

  public CompletionStage<Optional<KeyValue>> get(Bytes key, ReadConsistency consistency) {
    return query(new KvQuery.Get(key), consistency)
        .thenApply(r -> Optional.ofNullable(((KvResult.GetResult) r).kv()));
  }

  /** Keys starting with {@code prefix}, in order, at most {@code limit} (0: all). */
  public CompletionStage<KvResult.RangeResult> range(Bytes prefix, int limit, ReadConsistency consistency) {
    return query(new KvQuery.Range(prefix, limit), consistency).thenApply(KvResult.RangeResult.class::cast);
  }

  /** Deletes the key; true if it existed. */
  public CompletionStage<Boolean> delete(String key) {
    return write(new KvWrite.Delete(Bytes.of(key), false))
        .thenApply(r -> ((KvResult.DeleteResult) r).deleted() > 0);
  }

  /** Deletes every key starting with {@code prefix}; how many. */
  public CompletionStage<Long> deleteRange(Bytes prefix) {
    return write(new KvWrite.DeleteRange(prefix)).thenApply(r -> ((KvResult.DeleteResult) r).deleted());
  }

  /** Adds {@code delta} to the key's integer value (a missing key is 0); the new value. */
  public CompletionStage<Long> increment(String key, long delta) {
    return write(new KvWrite.Increment(Bytes.of(key), delta))
        .thenApply(r -> ((KvResult.IncrementResult) r).value());
  }

  /** Subtracts {@code delta} from the key's integer value (Redis DECRBY); the new value. */
  public CompletionStage<Long> decrement(String key, long delta) {
    return increment(key, Math.negateExact(delta));
  }

  /**
   * Sets the key to {@code value} if its value is {@code expected} (null: if it does not exist);
   * true if it did.
   */
  public CompletionStage<Boolean> compareAndSet(String key, String expected, String value) {
    Bytes k = Bytes.of(key);
    Compare condition = expected == null
        ? Compare.version(k, Compare.Relation.EQUAL, 0)
        : Compare.value(k, Compare.Relation.EQUAL, Bytes.of(expected));
    return txn(new KvWrite.Txn(List.of(condition), List.of(KvWrite.Put.of(k, Bytes.of(value))), List.of()))
        .thenApply(KvResult.TxnResult::succeeded);
  }

  /**
   * Sets the key only if {@code token} is not older than the newest fencing token used on it, and
   * makes {@code token} its newest (pass a lock's {@code LockGrant.token()}). Refused with {@link
   * KvResult.Failure.Code#FENCED} when a newer token was used: the caller no longer holds the lock.
   */
  public CompletionStage<KvResult.PutResult> fencedPut(Bytes key, Bytes value, long token) {
    return write(new KvWrite.FencedPut(key, value, token)).thenApply(KvResult.PutResult.class::cast);
  }

  /**
   * Memcached {@code cas}: sets the key only if its mod revision (Memcached's cas unique) is still
   * {@code casUnique}; true if it did. {@code ttl} null: no expiry.
   */
  public CompletionStage<Boolean> cas(String key, String value, long casUnique, Duration ttl) {
    Bytes k = Bytes.of(key);
    KvWrite.Put put = new KvWrite.Put(k, Bytes.of(value), 0, ttl == null ? 0 : ttl.toMillis(), false,
        KvWrite.Condition.ALWAYS, false);
    return txn(new KvWrite.Txn(List.of(Compare.modRevision(k, Compare.Relation.EQUAL, casUnique)), List.of(put),
        List.of())).thenApply(KvResult.TxnResult::succeeded);
  }

  /**
   * Runs a Lua script atomically on the store (Redis EVAL semantics; docs/scripting.md), with the
   * limits of {@code kv.script}. A script that fails completes normally with an error reply and
   * {@link KvResult.EvalResult#rolledBack()} set: it changed nothing.
   */
  public CompletionStage<KvResult.EvalResult> eval(String script, List<String> keys, List<String> args) {
    return evalCommand(Bytes.of(script), "", false, keys, args);
  }

  /** Runs a script remembered by {@link #scriptLoad} or an earlier eval (EVALSHA); NOSCRIPT if none. */
  public CompletionStage<KvResult.EvalResult> evalSha(String sha, List<String> keys, List<String> args) {
    return evalCommand(Bytes.EMPTY, sha.toLowerCase(java.util.Locale.ROOT), true, keys, args);
  }

  private CompletionStage<KvResult.EvalResult> evalCommand(Bytes script, String sha, boolean bySha, List<String> keys,
      List<String> args) {
    return write(new KvWrite.Eval(script, sha, bySha, keys.stream().map(Bytes::of).toList(),
        args.stream().map(Bytes::of).toList(), scriptLimits.maxInstructions(), scriptLimits.maxMemoryBytes(), false))
        .thenApply(KvResult.EvalResult.class::cast);
  }

  /** Remembers a script on every replica; its SHA-1, for {@link #evalSha}. */
  public CompletionStage<String> scriptLoad(String script) {
    return write(new KvWrite.ScriptLoad(Bytes.of(script))).thenApply(r -> ((KvResult.ScriptResult) r).sha());
  }

  public CompletionStage<KvResult.TxnResult> txn(KvWrite.Txn txn) {
    return write(txn).thenApply(KvResult.TxnResult.class::cast);
  }

  /** Sets the key's TTL ({@code null}: removes it); false if the key does not exist. */
  public CompletionStage<Boolean> touch(String key, Duration ttl) {
    return write(new KvWrite.Touch(Bytes.of(key), ttl == null ? 0 : ttl.toMillis()))
        .thenApply(r -> ((KvResult.TouchResult) r).found());
  }

  /** Grants a lease; its id. Attach keys with {@link KvWrite.Put#lease()}. */
  public CompletionStage<Long> grantLease(Duration ttl) {
    return write(new KvWrite.LeaseGrant(ttl.toMillis())).thenApply(r -> ((KvResult.LeaseResult) r).lease());
  }

  public CompletionStage<KvResult.LeaseResult> keepAlive(long lease) {
    return write(new KvWrite.LeaseKeepAlive(lease)).thenApply(KvResult.LeaseResult.class::cast);
  }

  /** Ends the lease and deletes its keys; how many. */
  public CompletionStage<Long> revokeLease(long lease) {
    return write(new KvWrite.LeaseRevoke(lease)).thenApply(r -> ((KvResult.LeaseResult) r).deleted());
  }

  /**
   * Calls {@code listener} with every change of {@code key} (or of the keys starting with it, with
   * {@code prefix}) from {@code fromRevision} on (0: from now), in order and once each; {@code
   * onCancelled} if the watch ends (subscribe again from its {@code resumeFromRevision}).
   */
  public Watch watch(Bytes key, boolean prefix, long fromRevision, Consumer<WatchEvent> listener,
      Consumer<WatchMessage.Cancelled> onCancelled) {
    ActorRef<KvCommand> replica = replicas.get(Math.floorMod(preferred.get(), replicas.size()));
    ActorRef<WatchMessage> subscriber = system.systemActorOf(
        WatchSubscriber.create(replica, listener, onCancelled),
        "kv-watch-" + watchCount.incrementAndGet() + "-" + System.identityHashCode(this), Props.empty());
    replica.tell(new KvCommand.Watch(key.toArray(), prefix, fromRevision, subscriber));
    return () -> subscriber.tell(new WatchMessage.Cancelled(-1, "cancelled by the client", 0));
  }

  /** A running watch. */
  public interface Watch {
    void cancel();
  }

  // ---- generic operations -----------------------------------------------------------------

  /**
   * Applies a write through the client's session; a {@link KvResult.Failure} completes the stage
   * exceptionally with {@link KvException.Refused}.
   */
  public CompletionStage<KvResult> write(KvWrite write) {
    CompletableFuture<KvResult> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + settings.clientOperationTimeout().toNanos();
    session().whenComplete((id, error) -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        long seq;
        // Numbered and registered as one step: a write numbered later must not tell the replicas
        // that every number below its own was confirmed while this one is still on its way.
        synchronized (numbering) {
          seq = nextSeq.getAndIncrement();
          unconfirmed.add(seq);
        }
        new WriteAttempts(write, id, seq, deadline, result).next();
      }
    });
    return result;
  }

  /** Answers a query at {@code consistency}, trying replicas until one does. */
  public CompletionStage<KvResult> query(KvQuery query, ReadConsistency consistency) {
    CompletableFuture<KvResult> result = new CompletableFuture<>();
    long deadline = System.nanoTime() + settings.clientOperationTimeout().toNanos();
    queryAttempt(KvCommand.query(query, consistency, null).query(), consistency, deadline, 0, result, null);
    return result;
  }

  private void queryAttempt(byte[] query, ReadConsistency consistency, long deadline, int attempt,
      CompletableFuture<KvResult> result, String lastReason) {
    if (System.nanoTime() > deadline) {
      result.completeExceptionally(new KvException.NotApplied(lastReason == null ? "TIMEOUT" : lastReason,
          "no replica answered the read within kv.client.operation-timeout"));
      return;
    }
    int replica = preferred.get();
    ask(replicas.get(Math.floorMod(replica, replicas.size())),
        r -> new KvCommand.Query(query, consistency, r)).whenComplete((response, error) -> {
          if (response instanceof KvResponse.Done d) {
            result.complete(d.decoded());
          } else {
            String reason = response instanceof KvResponse.NotApplied n ? n.reason() : "TIMEOUT";
            preferred.compareAndSet(replica, replica + 1);
            later(attempt, () -> queryAttempt(query, consistency, deadline, attempt + 1, result, reason));
          }
        });
  }

  /** The attempts of one write: same session and sequence number every time. */
  private final class WriteAttempts {
    private final KvWrite write;
    private final long session;
    private final long seq;
    private final long deadline;
    private final CompletableFuture<KvResult> result;
    private boolean maybeApplied;
    private String lastProblem = "no attempt";
    private int attempt;

    WriteAttempts(KvWrite write, long session, long seq, long deadline, CompletableFuture<KvResult> result) {
      this.write = write;
      this.session = session;
      this.seq = seq;
      this.deadline = deadline;
      this.result = result;
    }

    void next() {
      if (System.nanoTime() > deadline) {
        finish(null, maybeApplied
            ? new KvException.OutcomeUnknown("write " + write + " may or may not have been applied: " + lastProblem)
            : new KvException.NotApplied("TIMEOUT", lastProblem));
        return;
      }
      Long first = unconfirmed.isEmpty() ? seq : unconfirmed.first();
      KvCodec.SessionStamp stamp = new KvCodec.SessionStamp(session, seq, Math.min(first, seq));
      int replica = preferred.get();
      lastWriteNanos.set(System.nanoTime());
      ask(replicas.get(Math.floorMod(replica, replicas.size())), r -> KvCommand.write(write, stamp, r))
          .whenComplete((response, error) -> onAnswer(replica, response));
    }

    private void onAnswer(int replica, KvResponse response) {
      if (response instanceof KvResponse.Done d) {
        KvResult r = d.decoded();
        if (r instanceof KvResult.Failure f && f.code() == KvResult.Failure.Code.SESSION_EXPIRED) {
          if (maybeApplied) {
            finish(null, new KvException.OutcomeUnknown("session expired after an attempt with unknown outcome"));
          } else {
            renewSession(this.session);
            finish(null, null);
            write(write).whenComplete((again, error) -> {
              if (error != null) result.completeExceptionally(error);
              else result.complete(again);
            });
          }
          return;
        }
        if (r instanceof KvResult.Failure f) finish(null, new KvException.Refused(f));
        else finish(r, null);
        return;
      }
      if (response instanceof KvResponse.NotApplied n) {
        lastProblem = n.reason() + ": " + n.message();
      } else {
        maybeApplied = true;
        lastProblem = response instanceof KvResponse.Unknown u ? u.message() : "no answer from the replica";
        preferred.compareAndSet(replica, replica + 1);
      }
      later(attempt++, this::next);
    }

    private void finish(KvResult value, Throwable error) {
      unconfirmed.remove(seq);
      if (error != null) result.completeExceptionally(error);
      else if (value != null) result.complete(value);
    }
  }

  // ---- session ----------------------------------------------------------------------------

  private CompletableFuture<Long> session() {
    CompletableFuture<Long> current = session.get();
    if (current != null && !current.isCompletedExceptionally()) return current;
    CompletableFuture<Long> opening = new CompletableFuture<>();
    if (!session.compareAndSet(current, opening)) return session();
    long deadline = System.nanoTime() + settings.clientOperationTimeout().toNanos();
    openSession(deadline, 0, opening);
    return opening;
  }

  private void openSession(long deadline, int attempt, CompletableFuture<Long> opening) {
    if (System.nanoTime() > deadline) {
      opening.completeExceptionally(new KvException.NotApplied("TIMEOUT", "could not open a client session"));
      return;
    }
    int replica = preferred.get();
    KvWrite open = new KvWrite.OpenSession(settings.clientSessionTtl().toMillis());
    ask(replicas.get(Math.floorMod(replica, replicas.size())), r -> KvCommand.write(open, r))
        .whenComplete((response, error) -> {
          if (response instanceof KvResponse.Done d && d.decoded() instanceof KvResult.SessionResult s) {
            opening.complete(s.session());
          } else {
            // An unknown outcome may leave an unused session behind; it expires on its own.
            preferred.compareAndSet(replica, replica + 1);
            later(attempt, () -> openSession(deadline, attempt + 1, opening));
          }
        });
  }

  private void renewSession(long expired) {
    CompletableFuture<Long> current = session.get();
    if (current != null && current.isDone() && !current.isCompletedExceptionally()
        && current.join() == expired) {
      session.compareAndSet(current, null);
    }
  }

  private void keepSessionAlive() {
    CompletableFuture<Long> current = session.get();
    if (current == null || !current.isDone() || current.isCompletedExceptionally()) return;
    long idle = System.nanoTime() - lastWriteNanos.get();
    if (idle >= settings.clientSessionTtl().dividedBy(3).toNanos()) {
      write(new KvWrite.KeepSession()).exceptionally(e -> null);
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private CompletionStage<KvResponse> ask(ActorRef<KvCommand> replica,
      akka.japi.function.Function<ActorRef<KvResponse>, KvCommand> message) {
    return Asks.ask(replica, settings.clientAttemptTimeout(), system.scheduler(), message)
        .exceptionally(e -> null); // no answer in time: the caller treats it as unknown

  }

  /** Runs {@code task} after a back-off growing with {@code attempt} (10 ms .. 500 ms). */
  private void later(int attempt, Runnable task) {
    long millis = Math.min(500, 10L << Math.min(attempt, 6));
    system.scheduler().scheduleOnce(Duration.ofMillis(millis), task, system.executionContext());
  }

  @Override
  public void close() {
    io.raftactors.kv.lock.KvLocks l = locks.get();
    if (l != null) l.close();
    keepAlive.cancel();
  }
}
