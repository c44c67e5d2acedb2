package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.Compare;
import io.raftactors.kv.HashValue;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import io.raftactors.kv.WatchEvent;
import io.raftactors.kv.resp.CommandPlans;
import io.raftactors.kv.resp.Plan;
import io.raftactors.kv.resp.Resp;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.kv.script.ScriptRunner;
import io.raftactors.kv.script.UnlockScript;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The replicated key-value state: keys with MVCC metadata (a store revision that grows with every
 * change; per key create revision, mod revision and version), TTLs, leases. Deterministic: the
 * same writes at the same log positions and stamped times give the same state, results and watch
 * events on every replica. Time is the leader-stamped time of the entries, never a local clock.
 * Not thread-safe: owned by the applier.
 */
public final class KvState {
  private record Due(long at, Bytes key, long lease) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = Long.compare(at, o.at);
      if (c != 0) return c;
      c = Long.compare(lease, o.lease);
      if (c != 0) return c;
      return key == null ? (o.key == null ? 0 : -1) : o.key == null ? 1 : key.compareTo(o.key);
    }
  }

  private static final class Lease {
    final long id;
    final long ttlMillis;
    long expiresAt;
    final TreeSet<Bytes> keys = new TreeSet<>();

    Lease(long id, long ttlMillis, long expiresAt) {
      this.id = id;
      this.ttlMillis = ttlMillis;
      this.expiresAt = expiresAt;
    }
  }

  private final TreeMap<Bytes, KeyValue> data = new TreeMap<>();
  private final TreeMap<Long, Lease> leases = new TreeMap<>();
  /** Keys with a TTL and leases, by expiry time. */
  private final TreeSet<Due> due = new TreeSet<>();
  /** The newest fencing token used on each key by a fenced write (kept when the key is deleted). */
  private final TreeMap<Bytes, Long> fences = new TreeMap<>();
  /** Scripts remembered for EVALSHA, by SHA-1. */
  private final Scripts scripts = new Scripts();
  /** While a script runs: what it changed, to put back if it fails. */
  private Undo undo;
  private long revision;
  /** The newest leader-stamped time seen (never goes backwards). */
  private long now;
  /** The revision of the command being applied, once it changed something; 0 before. */
  private long changeRevision;
  private List<WatchEvent> events = new ArrayList<>();
  /** The snapshot being written, if any: it must see the keys as they were when it started. */
  private PointInTimeView view;

  public long revision() {
    return revision;
  }

  public long now() {
    return now;
  }

  public int size() {
    return data.size();
  }

  /** Moves the state's clock to {@code timestamp} (never backwards) before a write is applied. */
  void advanceClock(long timestamp) {
    now = Math.max(now, timestamp);
    changeRevision = 0;
  }

  /**
   * Moves every lease's expiry later by {@code millis}: what a new leader proposes when its wall
   * clock is ahead of the old leader's, so that the jump of the stamped time does not end leases
   * early ({@link KvWrite.ShiftLeases}). Leases that were due before the jump are not brought
   * back.
   */
  private KvResult shiftLeases(long millis) {
    if (millis <= 0 || millis > MAX_TTL_MILLIS) {
      return new KvResult.Failure(KvResult.Failure.Code.INVALID, "a lease shift is positive and below the longest TTL");
    }
    for (Lease l : leases.values()) {
      if (l.expiresAt <= now - millis) continue; // due before the jump: not brought back
      due.remove(new Due(l.expiresAt, null, l.id));
      l.expiresAt += millis;
      due.add(new Due(l.expiresAt, null, l.id));
    }
    return new KvResult.Done(revision);
  }

  /** The watch events of the write just applied (and forgets them). */
  List<WatchEvent> drainEvents() {
    if (events.isEmpty()) return List.of();
    List<WatchEvent> out = events;
    events = new ArrayList<>();
    return out;
  }

  /** Applies a write (other than the session ones); {@code index} names new leases. */
  KvResult apply(long index, KvWrite write) {
    if (write instanceof KvWrite.Put p) return put(p);
    if (write instanceof KvWrite.Delete d) return delete(d);
    if (write instanceof KvWrite.DeleteRange r) return deleteRange(r);
    if (write instanceof KvWrite.Increment i) return increment(i);
    if (write instanceof KvWrite.Append a) return append(a);
    if (write instanceof KvWrite.Txn t) return txn(t);
    if (write instanceof KvWrite.Batch b) return batch(index, b);
    if (write instanceof KvWrite.Touch t) return touch(t);
    if (write instanceof KvWrite.LeaseGrant g) return grant(index, g);
    if (write instanceof KvWrite.LeaseKeepAlive k) return keepAlive(k);
    if (write instanceof KvWrite.LeaseRevoke r) return revoke(r.lease());
    if (write instanceof KvWrite.ExpireDue) return expireDue();
    if (write instanceof KvWrite.ShiftLeases sh) return shiftLeases(sh.millis());
    if (write instanceof KvWrite.Enqueue q) return enqueue(q);
    if (write instanceof KvWrite.FencedPut f) return fencedPut(f);
    if (write instanceof KvWrite.DeleteIf d) return deleteIf(d);
    if (write instanceof KvWrite.Eval e) return eval(index, e);
    if (write instanceof KvWrite.HashSet h) return hashSet(h);
    if (write instanceof KvWrite.HashDelete h) return hashDelete(h);
    if (write instanceof KvWrite.HashIncrement h) return hashIncrement(h);
    if (write instanceof KvWrite.ScriptLoad l) {
      String sha = scripts.remember(l.script());
      if (scripts.get(sha) == null) {
        return new KvResult.Failure(KvResult.Failure.Code.INVALID, "too many scripts remembered ("
            + Scripts.MAX_SCRIPTS + " or " + Scripts.MAX_BYTES / (1024 * 1024) + " MiB); SCRIPT FLUSH first");
      }
      return new KvResult.ScriptResult(sha);
    }
    if (write instanceof KvWrite.ScriptFlush) {
      scripts.clear();
      return new KvResult.Done(revision);
    }
    throw new IllegalArgumentException("not a state write: " + write);
  }

  // ---- writes -----------------------------------------------------------------------------

  private long rev() {
    if (changeRevision == 0) changeRevision = ++revision;
    return changeRevision;
  }

  private KvResult put(KvWrite.Put p) {
    // A plain SET needs nothing of the key's current value (write() finds it on its one walk).
    boolean needsOld = p.returnPrevious() || p.condition() != KvWrite.Condition.ALWAYS
        || p.keepTtl() && p.ttlMillis() <= 0;
    KeyValue old = needsOld ? data.get(p.key()) : null;
    if (p.returnPrevious() && old != null && old.isHash()) return WRONG_TYPE; // GETSET, SET ... GET
    KeyValue previous = p.returnPrevious() ? old : null;
    if (p.condition() == KvWrite.Condition.IF_ABSENT && old != null
        || p.condition() == KvWrite.Condition.IF_PRESENT && old == null) {
      return new KvResult.PutResult(revision, false, previous);
    }
    if (p.lease() != 0 && !leases.containsKey(p.lease())) {
      return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + p.lease() + " not found");
    }
    if (p.ttlMillis() < 0) return new KvResult.Failure(KvResult.Failure.Code.INVALID, "negative TTL");
    if (tooLong(p.ttlMillis())) return TTL_TOO_LONG;
    long expiresAt = p.ttlMillis() > 0 ? now + p.ttlMillis() : p.keepTtl() && old != null ? old.expiresAt() : 0;
    write(p.key(), p.value(), p.lease(), expiresAt);
    return new KvResult.PutResult(revision, true, previous);
  }

  /** Creates or replaces {@code key} with a string. */
  private KeyValue write(Bytes key, Bytes value, long lease, long expiresAt) {
    return write(key, value, lease, expiresAt, KeyValue.Type.STRING);
  }

  /** Creates or replaces {@code key} (the one place keys are written). */
  private KeyValue write(Bytes key, Bytes value, long lease, long expiresAt, KeyValue.Type type) {
    long r = rev();
    // One walk down the tree (TreeMap.compute), not a get and a put: with millions of keys the
    // walks' cache misses were most of the cost of a SET.
    KeyValue[] replaced = new KeyValue[1];
    KeyValue kv = data.compute(key, (k, old) -> {
      replaced[0] = old;
      return old == null
          ? new KeyValue(key, value, r, r, 1, lease, expiresAt, type)
          : new KeyValue(key, value, old.createRevision(), r, old.version() + 1, lease, expiresAt, type);
    });
    KeyValue old = replaced[0];
    if (undo != null) undo.keyChanging(key, old);
    unindex(old);
    if (view != null) view.preserve(key, old);
    index(kv);
    events.add(new WatchEvent(WatchEvent.Type.PUT, r, kv, old));
    return kv;
  }

  /** Removes {@code key} (the one place keys are deleted); returns what it held, or null. */
  private KeyValue remove(Bytes key) {
    KeyValue old = data.remove(key);
    if (old == null) return null;
    if (undo != null) undo.keyChanging(key, old);
    if (view != null) view.preserve(key, old);
    long r = rev();
    unindex(old);
    events.add(new WatchEvent(WatchEvent.Type.DELETE, r,
        new KeyValue(key, Bytes.EMPTY, 0, r, 0, 0, 0), old));
    return old;
  }

  private void index(KeyValue kv) {
    if (kv.lease() != 0) leases.get(kv.lease()).keys.add(kv.key());
    if (kv.expiresAt() != 0) due.add(new Due(kv.expiresAt(), kv.key(), 0));
  }

  private void unindex(KeyValue kv) {
    if (kv == null) return;
    if (kv.lease() != 0) {
      Lease l = leases.get(kv.lease());
      if (l != null) l.keys.remove(kv.key());
    }
    if (kv.expiresAt() != 0) due.remove(new Due(kv.expiresAt(), kv.key(), 0));
  }

  private KvResult delete(KvWrite.Delete d) {
    KeyValue old = remove(d.key());
    return new KvResult.DeleteResult(revision, old == null ? 0 : 1, d.returnPrevious() ? old : null);
  }

  private KvResult deleteIf(KvWrite.DeleteIf d) {
    KeyValue kv = data.get(d.key());
    if (kv == null || kv.value().equals(d.value()) != d.equal()) return new KvResult.DeleteResult(revision, 0, null);
    remove(d.key());
    return new KvResult.DeleteResult(revision, 1, null);
  }

  private KvResult deleteRange(KvWrite.DeleteRange r) {
    List<Bytes> keys = new ArrayList<>(range(r.prefix()).keySet());
    for (Bytes k : keys) remove(k);
    if (r.prefix().size() == 0) { // FLUSHALL: the store starts over, fences too (the way to reset one)
      if (undo != null) fences.forEach(undo::fenceChanging);
      fences.clear();
    }
    return new KvResult.DeleteResult(revision, keys.size(), null);
  }

  /** The longest TTL: a hundred years (longer ones would overflow the clock). */
  static final long MAX_TTL_MILLIS = 100L * 365 * 24 * 3600 * 1000;
  private static final KvResult.Failure TTL_TOO_LONG =
      new KvResult.Failure(KvResult.Failure.Code.INVALID, "invalid expire time: at most " + MAX_TTL_MILLIS + " ms");

  private static boolean tooLong(long ttlMillis) {
    return ttlMillis > MAX_TTL_MILLIS;
  }

  static final KvResult.Failure WRONG_TYPE =
      new KvResult.Failure(KvResult.Failure.Code.WRONG_TYPE, "Operation against a key holding the wrong kind of value");

  private KvResult increment(KvWrite.Increment i) {
    KeyValue old = data.get(i.key());
    if (old != null && old.isHash()) return WRONG_TYPE;
    Long current = old == null ? Long.valueOf(0) : Integers.parse(old.value());
    if (current == null) {
      return new KvResult.Failure(KvResult.Failure.Code.NOT_INTEGER, "value is not an integer or out of range");
    }
    long next;
    try {
      next = Math.addExact(current, i.delta());
    } catch (ArithmeticException e) {
      return new KvResult.Failure(KvResult.Failure.Code.OVERFLOW, "increment or decrement would overflow");
    }
    write(i.key(), Integers.format(next), old == null ? 0 : old.lease(), old == null ? 0 : old.expiresAt());
    return new KvResult.IncrementResult(revision, next);
  }

  private KvResult append(KvWrite.Append a) {
    KeyValue old = data.get(a.key());
    if (old != null && old.isHash()) return WRONG_TYPE;
    byte[] value = old == null ? a.suffix().toArray()
        : java.util.Arrays.copyOf(old.value().unsafeArray(), old.value().size() + a.suffix().size());
    if (old != null) {
      System.arraycopy(a.suffix().unsafeArray(), 0, value, old.value().size(), a.suffix().size());
    }
    write(a.key(), Bytes.wrap(value), old == null ? 0 : old.lease(), old == null ? 0 : old.expiresAt());
    return new KvResult.AppendResult(revision, value.length);
  }

  private KvResult hashSet(KvWrite.HashSet h) {
    KeyValue old = data.get(h.key());
    if (old != null && !old.isHash()) return WRONG_TYPE;
    java.util.TreeMap<Bytes, Bytes> fields = old == null ? new java.util.TreeMap<>() : HashValue.decode(old.value());
    long added = 0;
    List<Bytes> fv = h.fieldsAndValues();
    for (int i = 0; i + 1 < fv.size(); i += 2) {
      if (!fields.containsKey(fv.get(i))) added++;
      else if (h.onlyIfAbsent()) continue;
      fields.put(fv.get(i), fv.get(i + 1));
    }
    if (h.onlyIfAbsent() && added == 0) return new KvResult.NumberResult(revision, 0);
    writeHash(h.key(), old, fields);
    return new KvResult.NumberResult(revision, added);
  }

  private KvResult hashDelete(KvWrite.HashDelete h) {
    KeyValue old = data.get(h.key());
    if (old == null) return new KvResult.NumberResult(revision, 0);
    if (!old.isHash()) return WRONG_TYPE;
    java.util.TreeMap<Bytes, Bytes> fields = HashValue.decode(old.value());
    long removed = 0;
    for (Bytes f : h.fields()) if (fields.remove(f) != null) removed++;
    if (removed > 0) {
      if (fields.isEmpty()) remove(h.key());
      else writeHash(h.key(), old, fields);
    }
    return new KvResult.NumberResult(revision, removed);
  }

  private KvResult hashIncrement(KvWrite.HashIncrement h) {
    KeyValue old = data.get(h.key());
    if (old != null && !old.isHash()) return WRONG_TYPE;
    java.util.TreeMap<Bytes, Bytes> fields = old == null ? new java.util.TreeMap<>() : HashValue.decode(old.value());
    Bytes current = fields.get(h.field());
    Long value = current == null ? Long.valueOf(0) : Integers.parse(current);
    if (value == null) return new KvResult.Failure(KvResult.Failure.Code.NOT_INTEGER, "hash value is not an integer");
    long next;
    try {
      next = Math.addExact(value, h.delta());
    } catch (ArithmeticException e) {
      return new KvResult.Failure(KvResult.Failure.Code.OVERFLOW, "increment or decrement would overflow");
    }
    fields.put(h.field(), Integers.format(next));
    writeHash(h.key(), old, fields);
    return new KvResult.IncrementResult(revision, next);
  }

  /** Writes a hash's fields, keeping the key's lease and expiry. */
  private void writeHash(Bytes key, KeyValue old, java.util.Map<Bytes, Bytes> fields) {
    write(key, HashValue.encode(fields), old == null ? 0 : old.lease(), old == null ? 0 : old.expiresAt(),
        KeyValue.Type.HASH);
  }

  /** Each write as if it had a log entry of its own: a revision of its own, a result of its own. */
  private KvResult batch(long index, KvWrite.Batch b) {
    List<KvResult> results = new ArrayList<>(b.writes().size());
    for (KvWrite w : b.writes()) {
      changeRevision = 0;
      results.add(apply(index, w));
    }
    return new KvResult.BatchResult(results);
  }

  private KvResult txn(KvWrite.Txn t) {
    boolean ok = true;
    for (Compare c : t.compares()) {
      if (!c.holds(data.get(c.key()))) {
        ok = false;
        break;
      }
    }
    List<TxnOp> ops = ok ? t.success() : t.failure();
    KvResult.Failure refused = new TxnValidator(data::get, leases::containsKey, fences::get).validate(ops);
    if (refused != null) return refused;
    List<KvResult> results = new ArrayList<>(ops.size());
    for (TxnOp op : ops) {
      if (op instanceof KvWrite w) results.add(apply(0, w));
      else results.add(query((KvQuery) op));
    }
    long r = changeRevision == 0 ? revision : changeRevision;
    return new KvResult.TxnResult(r, ok, results);
  }

  private KvResult enqueue(KvWrite.Enqueue q) {
    if (q.lease() != 0 && !leases.containsKey(q.lease())) {
      return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + q.lease() + " not found");
    }
    if (q.ttlMillis() < 0) return new KvResult.Failure(KvResult.Failure.Code.INVALID, "negative TTL");
    if (tooLong(q.ttlMillis())) return TTL_TOO_LONG;
    KeyValue last = null;
    long ahead = 0;
    for (KeyValue kv : range(q.prefix()).values()) {
      if (KvWrite.Enqueue.tokenOf(q.prefix(), kv.key()) < 0) continue;
      last = kv;
      ahead++;
    }
    if (q.onlyIfEmpty() && ahead > 0) return new KvResult.EnqueueResult(revision, null, last, ahead);
    Bytes key = KvWrite.Enqueue.entryKey(q.prefix(), revision + 1);
    if (data.containsKey(key)) {
      return new KvResult.Failure(KvResult.Failure.Code.INVALID, "the queue's next key " + key + " already exists");
    }
    KeyValue entry = write(key, q.value(), q.lease(), q.ttlMillis() > 0 ? now + q.ttlMillis() : 0);
    return new KvResult.EnqueueResult(revision, entry, last, ahead);
  }

  private KvResult fencedPut(KvWrite.FencedPut f) {
    KvResult.Failure refused = fenceCheck(f, fences.get(f.key()));
    if (refused != null) return refused;
    if (undo != null) undo.fenceChanging(f.key(), fences.get(f.key()));
    fences.put(f.key(), f.token());
    KeyValue old = data.get(f.key());
    write(f.key(), f.value(), old == null ? 0 : old.lease(), old == null ? 0 : old.expiresAt());
    return new KvResult.PutResult(revision, true, null);
  }

  /** Why a fenced write with this token is refused when the key's newest token is {@code fence}, or null. */
  static KvResult.Failure fenceCheck(KvWrite.FencedPut f, Long fence) {
    if (f.token() <= 0) return new KvResult.Failure(KvResult.Failure.Code.INVALID, "a fencing token is positive");
    if (fence != null && f.token() < fence) {
      return new KvResult.Failure(KvResult.Failure.Code.FENCED,
          "token " + f.token() + " is older than " + fence + ", the newest used on this key");
    }
    return null;
  }

  /** The newest token a fenced write used on {@code key}, or null. */
  Long fence(Bytes key) {
    return fences.get(key);
  }

  /** Runs a script; if it fails, everything it changed is put back as it was. */
  private KvResult eval(long index, KvWrite.Eval e) {
    Bytes source = e.bySha() ? scripts.get(e.sha()) : e.script();
    if (source == null) return evalResult("-NOSCRIPT No matching script. Please use EVAL.\r\n", false);
    String sha = e.bySha() ? e.sha() : scripts.remember(source);
    if (e.keys().size() == 1 && e.args().size() == 1 && !e.readOnly() && UnlockScript.matches(source)) {
      long deleted = ((KvResult.DeleteResult) deleteIf(new KvWrite.DeleteIf(e.keys().get(0), e.args().get(0), true))).deleted();
      return new KvResult.EvalResult(revision, (":" + deleted + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          false);
    }
    ScriptLimits limits;
    try {
      // The command carries its proposer's limits; the state machine caps them, the same on every replica.
      limits = new ScriptLimits(Math.min(e.maxInstructions(), ScriptLimits.MAX.maxInstructions()),
          Math.min(e.maxMemoryBytes(), ScriptLimits.MAX.maxMemoryBytes()));
    } catch (IllegalArgumentException bad) {
      return evalResult("-ERR " + bad.getMessage() + "\r\n", true);
    }
    undo = new Undo(revision, events.size());
    ScriptRunner.Outcome outcome = null;
    try {
      outcome = ScriptRunner.run(source, sha, e.keys(), e.args(), limits, (name, args) -> call(index, name, args,
          e.readOnly()));
    } finally {
      Undo done = undo;
      undo = null;
      if (outcome == null || outcome.failed()) rollBack(done); // also when the JVM itself failed under it
    }
    return new KvResult.EvalResult(changeRevision == 0 ? revision : changeRevision, outcome.reply().toArray(),
        outcome.failed());
  }

  private KvResult.EvalResult evalResult(String reply, boolean rolledBack) {
    return new KvResult.EvalResult(revision, reply.getBytes(java.nio.charset.StandardCharsets.UTF_8), rolledBack);
  }

  /**
   * A script's {@code redis.call}: the command's plan run on this state, the reply it makes, and
   * the bytes of values it read and wrote.
   */
  private ScriptRunner.Result call(long index, String name, java.util.List<byte[]> args, boolean readOnly) {
    Object plan = CommandPlans.plan(name, args, () -> now);
    if (plan == null) {
      return ScriptRunner.Result.of(Resp.error("ERR This Redis command is not allowed from script or is unknown: "
          + name.toLowerCase(java.util.Locale.ROOT)));
    }
    if (!(plan instanceof Plan p)) return ScriptRunner.Result.of((akka.util.ByteString) plan);
    if (readOnly && p.ops().stream().anyMatch(op -> op instanceof KvWrite)) {
      return ScriptRunner.Result.of(Resp.error("ERR Write commands are not allowed from read-only scripts"));
    }
    long read = 0;
    long written = 0;
    List<KvResult> results = new ArrayList<>(p.ops().size());
    for (TxnOp op : p.ops()) {
      Bytes key = keyOf(op);
      KeyValue before = key == null ? null : data.get(key);
      read += before == null ? 0 : before.value().size();
      KvResult r = op instanceof KvWrite w ? apply(index, w) : query((KvQuery) op);
      if (op instanceof KvWrite) {
        KeyValue after = key == null ? null : data.get(key);
        if (after != null && after != before) written += after.key().size() + after.value().size();
        if (r instanceof KvResult.DeleteResult d) read += 64 * d.deleted();
      }
      results.add(r);
    }
    return new ScriptRunner.Result(CommandPlans.reply(p, results), read, written);
  }

  /** The one key an operation reads or writes, or null (a range). */
  private static Bytes keyOf(TxnOp op) {
    if (op instanceof KvWrite.Put w) return w.key();
    if (op instanceof KvWrite.Delete w) return w.key();
    if (op instanceof KvWrite.Increment w) return w.key();
    if (op instanceof KvWrite.Append w) return w.key();
    if (op instanceof KvWrite.Touch w) return w.key();
    if (op instanceof KvWrite.FencedPut w) return w.key();
    if (op instanceof KvWrite.DeleteIf w) return w.key();
    if (op instanceof KvWrite.HashSet w) return w.key();
    if (op instanceof KvWrite.HashDelete w) return w.key();
    if (op instanceof KvWrite.HashIncrement w) return w.key();
    if (op instanceof KvQuery.Get q) return q.key();
    return null;
  }

  /** Puts back what a failed script changed: keys (with their leases and expiries), fences, revision, events. */
  private void rollBack(Undo u) {
    for (var k : u.keys.entrySet()) {
      unindex(data.get(k.getKey()));
      if (k.getValue() == null) {
        data.remove(k.getKey());
      } else {
        data.put(k.getKey(), k.getValue());
        index(k.getValue());
      }
    }
    for (var f : u.fences.entrySet()) {
      if (f.getValue() == null) fences.remove(f.getKey());
      else fences.put(f.getKey(), f.getValue());
    }
    revision = u.revision;
    changeRevision = 0;
    events.subList(u.events, events.size()).clear();
  }

  /** The state a running script found, for each key and fence as it first changes them. */
  private static final class Undo {
    final java.util.Map<Bytes, KeyValue> keys = new java.util.HashMap<>();
    final java.util.Map<Bytes, Long> fences = new java.util.HashMap<>();
    final long revision;
    final int events;

    Undo(long revision, int events) {
      this.revision = revision;
      this.events = events;
    }

    void keyChanging(Bytes key, KeyValue before) {
      if (!keys.containsKey(key)) keys.put(key, before);
    }

    void fenceChanging(Bytes key, Long before) {
      if (!fences.containsKey(key)) fences.put(key, before);
    }
  }

  private KvResult touch(KvWrite.Touch t) {
    KeyValue kv = data.get(t.key());
    if (kv == null) return new KvResult.TouchResult(revision, false, 0);
    if (t.ttlMillis() < 0) return new KvResult.Failure(KvResult.Failure.Code.INVALID, "negative TTL");
    if (tooLong(t.ttlMillis())) return TTL_TOO_LONG;
    long expiresAt = t.ttlMillis() > 0 ? now + t.ttlMillis() : 0;
    if (expiresAt != kv.expiresAt()) {
      unindex(kv);
      KeyValue updated = new KeyValue(kv.key(), kv.value(), kv.createRevision(), kv.modRevision(),
          kv.version(), kv.lease(), expiresAt, kv.type());
      if (view != null) view.preserve(kv.key(), kv);
      if (undo != null) undo.keyChanging(kv.key(), kv);
      data.put(kv.key(), updated);
      index(updated);
    }
    return new KvResult.TouchResult(revision, true, kv.expiresAt());
  }

  private KvResult grant(long id, KvWrite.LeaseGrant g) {
    if (g.ttlMillis() <= 0) return new KvResult.Failure(KvResult.Failure.Code.INVALID, "lease TTL must be positive");
    if (tooLong(g.ttlMillis())) return TTL_TOO_LONG;
    Lease l = new Lease(id, g.ttlMillis(), now + g.ttlMillis());
    leases.put(id, l);
    due.add(new Due(l.expiresAt, null, id));
    return new KvResult.LeaseResult(revision, id, l.ttlMillis, l.expiresAt, 0);
  }

  private KvResult keepAlive(KvWrite.LeaseKeepAlive k) {
    Lease l = leases.get(k.lease());
    if (l == null) {
      return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + k.lease() + " not found");
    }
    due.remove(new Due(l.expiresAt, null, l.id));
    l.expiresAt = Math.max(l.expiresAt, now + l.ttlMillis);
    due.add(new Due(l.expiresAt, null, l.id));
    return new KvResult.LeaseResult(revision, l.id, l.ttlMillis, l.expiresAt, 0);
  }

  private KvResult revoke(long id) {
    Lease l = leases.remove(id);
    if (l == null) return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + id + " not found");
    due.remove(new Due(l.expiresAt, null, id));
    List<Bytes> keys = new ArrayList<>(l.keys);
    for (Bytes k : keys) remove(k);
    return new KvResult.LeaseResult(revision, id, l.ttlMillis, 0, keys.size());
  }

  private KvResult expireDue() {
    while (!due.isEmpty() && due.first().at() <= now) {
      Due d = due.pollFirst();
      if (d.key() != null) remove(d.key());
      else revoke(d.lease());
    }
    return new KvResult.Done(revision);
  }

  // ---- reads ------------------------------------------------------------------------------

  /** Answers a query against the current state. */
  public KvResult query(KvQuery q) {
    if (q instanceof KvQuery.Get g) return new KvResult.GetResult(revision, data.get(g.key()));
    if (q instanceof KvQuery.GetMany m) {
      List<KeyValue> kvs = new ArrayList<>(m.keys().size());
      for (Bytes k : m.keys()) kvs.add(data.get(k));
      return new KvResult.GetManyResult(revision, Collections.unmodifiableList(kvs));
    }
    if (q instanceof KvQuery.Range r) {
      List<KeyValue> out = new ArrayList<>();
      boolean more = false;
      for (KeyValue kv : range(r.prefix()).values()) {
        if (r.limit() > 0 && out.size() == r.limit()) {
          more = true;
          break;
        }
        out.add(kv);
      }
      return new KvResult.RangeResult(revision, Collections.unmodifiableList(out), more);
    }
    if (q instanceof KvQuery.Scan sc) {
      NavigableMap<Bytes, KeyValue> from = range(sc.prefix());
      if (sc.after().size() > 0) from = from.tailMap(sc.after(), false);
      List<KeyValue> out = new ArrayList<>();
      boolean more = false;
      for (KeyValue kv : from.values()) {
        if (out.size() == Math.max(1, sc.limit())) {
          more = true;
          break;
        }
        out.add(kv);
      }
      return new KvResult.RangeResult(revision, Collections.unmodifiableList(out), more);
    }
    if (q instanceof KvQuery.Ttl t) {
      KeyValue kv = data.get(t.key());
      return new KvResult.TtlResult(kv != null, kv == null ? 0 : kv.expiresAt());
    }
    if (q instanceof KvQuery.Count) return new KvResult.CountResult(revision, data.size());
    if (q instanceof KvQuery.ScriptExists x) {
      return new KvResult.ScriptExistsResult(x.shas().stream().map(sha -> scripts.get(sha) != null).toList());
    }
    throw new IllegalArgumentException("not a state query: " + q);
  }

  /** The earliest time (leader-stamped clock) a key or lease expires, or 0. */
  long nextExpiry() {
    return due.isEmpty() ? 0 : due.first().at();
  }

  private NavigableMap<Bytes, KeyValue> range(Bytes prefix) {
    Bytes end = prefix.prefixEnd();
    return end == null ? data.tailMap(prefix, true) : data.subMap(prefix, true, end, false);
  }

  // ---- snapshot ---------------------------------------------------------------------------

  /**
   * Starts a point-in-time view of the keys (abandoning an unfinished one); {@code header} is
   * written first (what {@link #writeHeader} and the sessions wrote at this moment).
   */
  PointInTimeView startView(byte[] header) {
    if (view != null) view.close();
    view = new PointInTimeView(data, header);
    return view;
  }

  /**
   * The store revision, clock, leases, fences and scripts. The keys follow, each after a 1; a 0
   * ends them.
   */
  void writeHeader(DataOutputStream out) throws IOException {
    out.writeLong(revision);
    out.writeLong(now);
    out.writeInt(leases.size());
    for (Lease l : leases.values()) {
      out.writeLong(l.id);
      out.writeLong(l.ttlMillis);
      out.writeLong(l.expiresAt);
    }
    out.writeInt(fences.size());
    for (var f : fences.entrySet()) {
      KvCodec.writeBytes(out, f.getKey());
      out.writeLong(f.getValue());
    }
    scripts.writeTo(out);
  }

  static void writeKey(DataOutputStream out, KeyValue kv) throws IOException {
    KvCodec.writeBytes(out, kv.key());
    KvCodec.writeBytes(out, kv.value());
    out.writeLong(kv.createRevision());
    out.writeLong(kv.modRevision());
    out.writeLong(kv.version());
    out.writeLong(kv.lease());
    out.writeLong(kv.expiresAt());
  }

  /** Abandons the snapshot being written, if any. */
  void closeView() {
    if (view != null) view.close();
    view = null;
  }

  /**
   * Replaces the state's header part; {@link #readKeys} must follow. {@code withFences}: the
   * snapshot format has fences and scripts (version 3 on; version 2 had neither).
   */
  void readHeader(DataInputStream in, boolean withFences) throws IOException {
    closeView();
    data.clear();
    leases.clear();
    due.clear();
    fences.clear();
    scripts.clear();
    revision = in.readLong();
    now = in.readLong();
    int leaseCount = in.readInt();
    for (int i = 0; i < leaseCount; i++) {
      Lease l = new Lease(in.readLong(), in.readLong(), in.readLong());
      leases.put(l.id, l);
      due.add(new Due(l.expiresAt, null, l.id));
    }
    if (!withFences) return;
    int fenceCount = in.readInt();
    if (fenceCount < 0) throw new IOException("malformed KV snapshot: " + fenceCount + " fences");
    for (int i = 0; i < fenceCount; i++) fences.put(KvCodec.readBytes(in), in.readLong());
    scripts.readFrom(in);
  }

  /**
   * Reads the key-values that follow the header. A snapshot holds them in key order (it is written
   * from the sorted map), so the map is built from them in one pass; keys out of order (a snapshot
   * not written by this class) are put one by one, the last of equal keys winning.
   */
  void readKeys(DataInputStream in) throws IOException {
    List<KeyValue> read = new ArrayList<>();
    while (true) {
      byte marker = in.readByte();
      if (marker == 0) break;
      if (marker != 1 && marker != 2) throw new IOException("malformed KV snapshot: key marker " + marker);
      KeyValue kv = new KeyValue(KvCodec.readBytes(in), KvCodec.readBytes(in), in.readLong(), in.readLong(),
          in.readLong(), in.readLong(), in.readLong(), marker == 2 ? KeyValue.Type.HASH : KeyValue.Type.STRING);
      if (kv.lease() != 0 && !leases.containsKey(kv.lease())) {
        throw new IOException("malformed KV snapshot: key on lease " + kv.lease() + ", which it does not hold");
      }
      read.add(kv);
    }
    if (SortedRun.strictlyAscending(read)) {
      data.putAll(new SortedRun(read));
    } else {
      for (KeyValue kv : read) data.put(kv.key(), kv);
    }
    for (KeyValue kv : data.values()) index(kv);
  }
}
