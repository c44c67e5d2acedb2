package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
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
  private final List<Bytes> deletedPrefixes = new ArrayList<>();

  TxnValidator(Function<Bytes, KeyValue> data, LongPredicate leaseExists, Function<Bytes, Long> fence) {
    this.data = data;
    this.leaseExists = leaseExists;
    this.fence = fence;
  }

  /** The failure the branch would hit, or null if it would succeed. */
  KvResult.Failure validate(List<TxnOp> ops) {
    for (TxnOp op : ops) {
      if (op instanceof KvWrite.Put p) {
        if (p.lease() != 0 && !leaseExists.test(p.lease())) {
          return new KvResult.Failure(KvResult.Failure.Code.LEASE_NOT_FOUND, "lease " + p.lease() + " not found");
        }
        boolean exists = value(p.key()) != null;
        boolean skipped = p.condition() == KvWrite.Condition.IF_ABSENT && exists
            || p.condition() == KvWrite.Condition.IF_PRESENT && !exists;
        if (!skipped) overlay.put(p.key(), p.value());
      } else if (op instanceof KvWrite.FencedPut f) {
        KvResult.Failure refused =
            KvState.fenceCheck(f, fenced.containsKey(f.key()) ? fenced.get(f.key()) : fence.apply(f.key()));
        if (refused != null) return refused;
        fenced.put(f.key(), f.token());
        overlay.put(f.key(), f.value());
      } else if (op instanceof KvWrite.DeleteIf d) {
        Bytes v = value(d.key());
        if (v != null && v.equals(d.value()) == d.equal()) overlay.put(d.key(), null);
      } else if (op instanceof KvWrite.Delete d) {
        overlay.put(d.key(), null);
      } else if (op instanceof KvWrite.DeleteRange r) {
        deletedPrefixes.add(r.prefix());
        overlay.keySet().removeIf(k -> k.startsWith(r.prefix()));
      } else if (op instanceof KvWrite.Append a) {
        Bytes v = value(a.key());
        byte[] joined = new byte[(v == null ? 0 : v.size()) + a.suffix().size()];
        if (v != null) System.arraycopy(v.unsafeArray(), 0, joined, 0, v.size());
        System.arraycopy(a.suffix().unsafeArray(), 0, joined, joined.length - a.suffix().size(), a.suffix().size());
        overlay.put(a.key(), Bytes.wrap(joined));
      } else if (op instanceof KvWrite.Increment i) {
        Bytes v = value(i.key());
        Long current = v == null ? Long.valueOf(0) : Integers.parse(v);
        if (current == null) {
          return new KvResult.Failure(KvResult.Failure.Code.NOT_INTEGER, "value is not an integer or out of range");
        }
        try {
          overlay.put(i.key(), Integers.format(Math.addExact(current, i.delta())));
        } catch (ArithmeticException e) {
          return new KvResult.Failure(KvResult.Failure.Code.OVERFLOW, "increment or decrement would overflow");
        }
      }
    }
    return null;
  }

  private Bytes value(Bytes key) {
    if (overlay.containsKey(key)) return overlay.get(key);
    for (Bytes prefix : deletedPrefixes) if (key.startsWith(prefix)) return null;
    KeyValue kv = data.apply(key);
    return kv == null ? null : kv.value();
  }
}
