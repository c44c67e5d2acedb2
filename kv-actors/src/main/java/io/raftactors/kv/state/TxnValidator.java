package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.HashValue;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongPredicate;

/**
 * Checks, before a transaction's branch changes anything, that none of its operations will fail
 * (an increment of a non-integer or past 64 bits, a lease that does not exist), by playing the
 * branch on an overlay of the keys it touches. A transaction applies all of its operations or none.
 */
final class TxnValidator {
  private final Function<Bytes, KeyValue> data;
  private final LongPredicate leaseExists;
  private final Function<Bytes, Long> fence;
  /** Fences the branch raised. */
  private final Map<Bytes, Long> fenced = new HashMap<>();
  /** Keys the branch wrote (a value) or deleted (null). */
  private final Map<Bytes, Bytes> overlay = new HashMap<>();
  /** Keys of the overlay that hold hashes. */
  private final java.util.Set<Bytes> hashes = new java.util.HashSet<>();
  private final List<Bytes> deletedPrefixes = new ArrayList<>();

  TxnValidator(Function<Bytes, KeyValue> data, LongPredicate leaseExists, Function<Bytes, Long> fence) {
    this.data = data;
    this.leaseExists = leaseExists;
    this.fence = fence;
  }

  /** The failure the branch would hit, or null if it would succeed. */
  KvResult.Failure validate(List<TxnOp> ops) {
    for (TxnOp op : ops) {
      if (op instanceof KvWrite.Touch t && (t.ttlMillis() < 0 || t.ttlMillis() > KvState.MAX_TTL_MILLIS)) {
        return new KvResult.Failure(KvResult.Failure.Code.INVALID, "invalid expire time");
      }
      if (op instanceof KvWrite.Put p) {
        if (p.returnPrevious() && isHash(p.key())) return KvState.WRONG_TYPE; // GETSET, SET ... GET
        if (p.ttlMillis() < 0 || p.ttlMillis() > KvState.MAX_TTL_MILLIS) {
          return new KvResult.Failure(KvResult.Failure.Code.INVALID, "invalid expire time");
        }
        if (p.lease() != 0 && !leaseExists.test(p.lease())) {
          return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + p.lease() + " not found");
        }
        boolean exists = value(p.key()) != null;
        boolean skipped = p.condition() == KvWrite.Condition.IF_ABSENT && exists
            || p.condition() == KvWrite.Condition.IF_PRESENT && !exists;
        if (!skipped) set(p.key(), p.value(), false);
      } else if (op instanceof KvWrite.FencedPut f) {
        KvResult.Failure refused =
            KvState.fenceCheck(f, fenced.containsKey(f.key()) ? fenced.get(f.key()) : fence.apply(f.key()));
        if (refused != null) return refused;
        fenced.put(f.key(), f.token());
        set(f.key(), f.value(), false);
      } else if (op instanceof KvWrite.DeleteIf d) {
        Bytes v = value(d.key());
        if (v != null && v.equals(d.value()) == d.equal()) set(d.key(), null, false);
      } else if (op instanceof KvWrite.Delete d) {
        set(d.key(), null, false);
      } else if (op instanceof KvWrite.DeleteRange r) {
        deletedPrefixes.add(r.prefix());
        overlay.keySet().removeIf(k -> k.startsWith(r.prefix()));
        hashes.removeIf(k -> k.startsWith(r.prefix()));
      } else if (op instanceof KvWrite.Append a) {
        if (isHash(a.key())) return KvState.WRONG_TYPE;
        Bytes v = value(a.key());
        byte[] joined = new byte[(v == null ? 0 : v.size()) + a.suffix().size()];
        if (v != null) System.arraycopy(v.unsafeArray(), 0, joined, 0, v.size());
        System.arraycopy(a.suffix().unsafeArray(), 0, joined, joined.length - a.suffix().size(), a.suffix().size());
        set(a.key(), Bytes.wrap(joined), false);
      } else if (op instanceof KvWrite.Increment i) {
        if (isHash(i.key())) return KvState.WRONG_TYPE;
        Bytes v = value(i.key());
        Long current = v == null ? Long.valueOf(0) : Integers.parse(v);
        if (current == null) {
          return new KvResult.Failure(KvResult.Failure.Code.NOT_INTEGER, "value is not an integer or out of range");
        }
        try {
          set(i.key(), Integers.format(Math.addExact(current, i.delta())), false);
        } catch (ArithmeticException e) {
          return new KvResult.Failure(KvResult.Failure.Code.OVERFLOW, "increment or decrement would overflow");
        }
      } else if (op instanceof KvWrite.HashSet || op instanceof KvWrite.HashDelete
          || op instanceof KvWrite.HashIncrement) {
        KvResult.Failure refused = hash((KvWrite) op);
        if (refused != null) return refused;
      }
    }
    return null;
  }

  /** Plays a hash write on the overlay. */
  private KvResult.Failure hash(KvWrite op) {
    Bytes key = op instanceof KvWrite.HashSet h ? h.key()
        : op instanceof KvWrite.HashDelete h ? h.key() : ((KvWrite.HashIncrement) op).key();
    Bytes v = value(key);
    if (v != null && !isHash(key)) return KvState.WRONG_TYPE;
    java.util.TreeMap<Bytes, Bytes> fields = v == null ? new java.util.TreeMap<>() : HashValue.decode(v);
    if (op instanceof KvWrite.HashSet h) {
      for (int i = 0; i < h.fieldsAndValues().size(); i += 2) {
        if (!h.onlyIfAbsent() || !fields.containsKey(h.fieldsAndValues().get(i))) {
          fields.put(h.fieldsAndValues().get(i), h.fieldsAndValues().get(i + 1));
        }
      }
    } else if (op instanceof KvWrite.HashDelete h) {
      h.fields().forEach(fields::remove);
    } else {
      KvWrite.HashIncrement h = (KvWrite.HashIncrement) op;
      Bytes current = fields.get(h.field());
      Long n = current == null ? Long.valueOf(0) : Integers.parse(current);
      if (n == null) return new KvResult.Failure(KvResult.Failure.Code.NOT_INTEGER, "hash value is not an integer");
      try {
        fields.put(h.field(), Integers.format(Math.addExact(n, h.delta())));
      } catch (ArithmeticException e) {
        return new KvResult.Failure(KvResult.Failure.Code.OVERFLOW, "increment or decrement would overflow");
      }
    }
    set(key, fields.isEmpty() ? null : HashValue.encode(fields), true);
    return null;
  }

  private void set(Bytes key, Bytes value, boolean hash) {
    overlay.put(key, value);
    if (hash && value != null) hashes.add(key);
    else hashes.remove(key);
  }

  private boolean isHash(Bytes key) {
    if (overlay.containsKey(key)) return hashes.contains(key);
    for (Bytes prefix : deletedPrefixes) if (key.startsWith(prefix)) return false;
    KeyValue kv = data.apply(key);
    return kv != null && kv.isHash();
  }

  private Bytes value(Bytes key) {
    if (overlay.containsKey(key)) return overlay.get(key);
    for (Bytes prefix : deletedPrefixes) if (key.startsWith(prefix)) return null;
    KeyValue kv = data.apply(key);
    return kv == null ? null : kv.value();
  }
}
