package io.raftactors.kv;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.lin.CounterModel;
import io.raftactors.testkit.lin.ExpiringRegisterModel;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.RegisterModel;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What one chaos client does, and how its operations are recorded: reads at LINEARIZABLE and
 * LEASE (in the history) and STALE (kept apart: they may lag, but never show a value nobody
 * wrote), puts, compare-and-sets and increments on plain keys; TTL writes (SET PX, SET NX PX),
 * reads and deletes on keys that expire; and on lease keys, a lease's life (grant, put attached,
 * keep-alives, revoke or abandon). Each key family has its own model. An impatient client waits
 * only briefly for answers and records the rest as unknown, as a client with a deadline does.
 */
final class ChaosWorkload {
  static final List<String> REGISTERS = List.of("r0", "r1", "r2", "r3");
  static final List<String> COUNTERS = List.of("c0", "c1");
  static final List<String> TTL_KEYS = List.of("t0", "t1");
  static final List<String> LEASE_KEYS = List.of("l0", "l1");
  /** All TTLs and lease TTLs are at most this: after it (and a leader's expiry check) they are gone. */
  static final Duration MAX_TTL = Duration.ofMillis(1200);

  private final int client;
  private final KvClient kv;
  private final SplittableRandom random;
  private final History history;
  private long n;
  /** The lease this client holds (0: none), used only with {@link #leaseKey}. */
  private long lease;
  private final String leaseKey;

  /** A STALE read's answer and when it arrived. */
  record StaleRead(int client, String key, String value, long completed) {}

  private final List<StaleRead> staleReads;

  /** How long this client waits for an answer before it records "unknown" and moves on. */
  private final Duration patience;

  ChaosWorkload(int client, KvClient kv, SplittableRandom random, History history, List<StaleRead> staleReads,
      Duration patience) {
    this.client = client;
    this.patience = patience;
    this.staleReads = staleReads;
    this.kv = kv;
    this.random = random;
    this.history = history;
    this.leaseKey = LEASE_KEYS.get(client % LEASE_KEYS.size());
  }

  void run(AtomicBoolean stop) {
    while (!stop.get()) {
      n++;
      int dice = random.nextInt(100);
      if (dice < 16) registerRead(ReadConsistency.LINEARIZABLE);
      else if (dice < 25) registerRead(ReadConsistency.LEASE);
      else if (dice < 28) staleRead();
      else if (dice < 44) registerPut();
      else if (dice < 56) registerCas();
      else if (dice < 70) increment();
      else if (dice < 76) counterRead();
      else if (dice < 88) ttlOperation();
      else leaseOperation();
    }
  }

  private String pick(List<String> keys) {
    return keys.get(random.nextInt(keys.size()));
  }

  private String newValue() {
    return client + "-" + n;
  }

  private void registerRead(ReadConsistency level) {
    String key = pick(REGISTERS);
    track(history.invoke(client, key, new RegisterModel.Get()),
        kv.get(Bytes.of(key), level), v -> v.map(x -> x.value().utf8()).orElse(null));
  }

  /** A STALE read: not linearizable, so not in the history; checked for values nobody wrote. */
  private void staleRead() {
    String key = pick(REGISTERS);
    try {
      String value = kv.get(Bytes.of(key), ReadConsistency.STALE).toCompletableFuture().get(30, TimeUnit.SECONDS)
          .map(x -> x.value().utf8()).orElse(null);
      staleReads.add(new StaleRead(client, key, value, System.nanoTime()));
    } catch (Exception e) {
      // no answer: nothing to check
    }
  }

  private void registerPut() {
    String key = pick(REGISTERS);
    String value = newValue();
    track(history.invoke(client, key, new RegisterModel.Put(value)), kv.put(key, value), r -> "OK");
  }

  private void registerCas() {
    String key = pick(REGISTERS);
    String expected = random.nextInt(4) == 0 ? null : random.nextInt(6) + "-" + random.nextInt((int) n + 1);
    String value = newValue();
    track(history.invoke(client, key, new RegisterModel.Cas(expected, value)),
        kv.compareAndSet(key, expected, value), b -> b);
  }

  private void increment() {
    String key = pick(COUNTERS);
    track(history.invoke(client, key, new CounterModel.Add(1)), kv.increment(key, 1), v -> v);
  }

  private void counterRead() {
    String key = pick(COUNTERS);
    track(history.invoke(client, key, new CounterModel.Read()),
        kv.get(Bytes.of(key), ReadConsistency.LINEARIZABLE),
        v -> v.map(x -> Long.parseLong(x.value().utf8())).orElse(0L));
  }

  private long ttlMillis() {
    return 100 + random.nextInt((int) MAX_TTL.toMillis() - 99);
  }

  /**
   * TTL keys: mostly reads (of TTL and lease keys), and now and then SET PX, SET NX PX or DEL: a
   * key is written about every second, so that values live to their TTL as often as not.
   */
  private void ttlOperation() {
    int dice = random.nextInt(1000);
    if (dice >= 20) {
      String key = random.nextBoolean() ? pick(TTL_KEYS) : pick(LEASE_KEYS);
      ReadConsistency level = dice < 500 ? ReadConsistency.LINEARIZABLE : ReadConsistency.LEASE;
      track(history.invoke(client, key, new ExpiringRegisterModel.Get()),
          kv.get(Bytes.of(key), level), v -> v.map(x -> x.value().utf8()).orElse(null));
      return;
    }
    String key = pick(TTL_KEYS);
    String value = newValue();
    long ttl = ttlMillis();
    if (dice < 10) {
      KvWrite.Put put = new KvWrite.Put(Bytes.of(key), Bytes.of(value), 0, ttl, false, KvWrite.Condition.ALWAYS, false);
      track(history.invoke(client, key, new ExpiringRegisterModel.Put(value, ttl)), kv.put(put), r -> "OK");
    } else if (dice < 17) {
      track(history.invoke(client, key, new ExpiringRegisterModel.PutIfAbsent(value, ttl)),
          kv.putIfAbsent(key, value, Duration.ofMillis(ttl)), b -> b);
    } else {
      track(history.invoke(client, key, new ExpiringRegisterModel.Delete()), kv.delete(key), b -> b);
    }
  }

  /**
   * A lease's life on this client's lease key: granted, the key put on it now and then, kept
   * alive every few hundred milliseconds (short leases lapse between keep-alives), read, and after
   * a second or so revoked or abandoned to expire by itself.
   */
  private void leaseOperation() {
    if (lease == 0) {
      long ttl = ttlMillis();
      History.Call call = history.invoke(client, leaseKey, new ExpiringRegisterModel.Grant(ttl));
      Object granted = track(call, kv.grantLease(Duration.ofMillis(ttl)), id -> id);
      if (granted instanceof Long id) lease = id; // unknown: nobody may refer to that lease
      return;
    }
    int dice = random.nextInt(100);
    if (dice < 10) {
      Object alive = trackLease(history.invoke(client, leaseKey, new ExpiringRegisterModel.KeepAlive(lease)),
          kv.keepAlive(lease), r -> true, false);
      if (Boolean.FALSE.equals(alive)) lease = 0;
    } else if (dice < 13) {
      String value = newValue();
      KvWrite.Put put = new KvWrite.Put(Bytes.of(leaseKey), Bytes.of(value), lease, 0, false, KvWrite.Condition.ALWAYS, false);
      Object set = trackLease(history.invoke(client, leaseKey, new ExpiringRegisterModel.PutWithLease(value, lease)),
          kv.put(put), r -> true, false);
      if (Boolean.FALSE.equals(set)) lease = 0;
    } else if (dice < 14) {
      trackLease(history.invoke(client, leaseKey, new ExpiringRegisterModel.Revoke(lease)),
          kv.revokeLease(lease), deleted -> deleted, -1L);
      lease = 0;
    } else if (dice < 15) {
      lease = 0; // abandoned: it must expire by itself
    } else {
      track(history.invoke(client, leaseKey, new ExpiringRegisterModel.Get()),
          kv.get(Bytes.of(leaseKey), ReadConsistency.LINEARIZABLE), v -> v.map(x -> x.value().utf8()).orElse(null));
    }
  }

  private <T> Object track(History.Call call, CompletionStage<T> op, Function<T, Object> output) {
    return record(call, op, output, null, patience);
  }

  private <T> Object trackLease(History.Call call, CompletionStage<T> op, Function<T, Object> output, Object notFound) {
    return record(call, op, output, notFound, patience);
  }

  /**
   * Waits for {@code op} (up to 30 s) and records its answer; a refusal (the write certainly did
   * not apply) drops the call from the history. Returns the recorded output, or null if none.
   */
  static <T> Object record(History.Call call, CompletionStage<T> op, Function<T, Object> output) {
    return record(call, op, output, null, Duration.ofSeconds(30));
  }

  /**
   * As above, waiting at most {@code wait}: past it the outcome is unknown (the operation may
   * still take effect later). "Lease not found" is an answer: {@code notFound} (unless null).
   */
  private static <T> Object record(History.Call call, CompletionStage<T> op, Function<T, Object> output,
      Object notFound, Duration wait) {
    try {
      Object out = output.apply(op.toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS));
      call.ok(out);
      return out;
    } catch (ExecutionException e) {
      if (notFound != null && e.getCause() instanceof KvException.Refused r
          && r.failure().code() == KvResult.Failure.Code.LEASE_NOT_FOUND) {
        call.ok(notFound);
        return notFound;
      }
      if (e.getCause() instanceof KvException.NotApplied || e.getCause() instanceof KvException.Refused) call.failed();
      else call.unknown();
    } catch (Exception e) {
      call.unknown();
    }
    return null;
  }
}
