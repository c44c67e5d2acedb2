package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only sorted map over key-values already in strictly ascending key order, such as a
 * snapshot's. {@code new TreeMap<>().putAll(run)} then builds the tree in one linear pass, without
 * a single key comparison, where putting the keys one by one walks the tree for each: a restart's
 * restore of a million keys spends a good part of its time there otherwise.
 */
final class SortedRun extends AbstractMap<Bytes, KeyValue> implements SortedMap<Bytes, KeyValue> {
  private final List<KeyValue> sorted;
  private final int from;
  private final int to;

  /** @param sorted key-values in strictly ascending key order (the caller checked it) */
  SortedRun(List<KeyValue> sorted) {
    this(sorted, 0, sorted.size());
  }

  private SortedRun(List<KeyValue> sorted, int from, int to) {
    this.sorted = sorted;
    this.from = from;
    this.to = to;
  }

  /** True when each key of {@code values} is greater than the one before it. */
  static boolean strictlyAscending(List<KeyValue> values) {
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i - 1).key().compareTo(values.get(i).key()) >= 0) return false;
    }
    return true;
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public Comparator<? super Bytes> comparator() {
    return null; // natural order, as the state's TreeMap
  }

  @Override
  public Set<Map.Entry<Bytes, KeyValue>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<Bytes, KeyValue>> iterator() {
        return new Iterator<>() {
          private int next = from;

          @Override
          public boolean hasNext() {
            return next < to;
          }

          @Override
          public Map.Entry<Bytes, KeyValue> next() {
            if (next >= to) throw new NoSuchElementException();
            KeyValue kv = sorted.get(next++);
            return new AbstractMap.SimpleImmutableEntry<>(kv.key(), kv);
          }
        };
      }

      @Override
      public int size() {
        return to - from;
      }
    };
  }

  @Override
  public SortedMap<Bytes, KeyValue> subMap(Bytes fromKey, Bytes toKey) {
    if (fromKey.compareTo(toKey) > 0) throw new IllegalArgumentException("fromKey > toKey");
    return new SortedRun(sorted, Math.max(from, ceiling(fromKey)), Math.min(to, Math.max(from, ceiling(toKey))));
  }

  @Override
  public SortedMap<Bytes, KeyValue> headMap(Bytes toKey) {
    return new SortedRun(sorted, from, Math.max(from, Math.min(to, ceiling(toKey))));
  }

  @Override
  public SortedMap<Bytes, KeyValue> tailMap(Bytes fromKey) {
    return new SortedRun(sorted, Math.min(to, Math.max(from, ceiling(fromKey))), to);
  }

  @Override
  public Bytes firstKey() {
    if (from == to) throw new NoSuchElementException();
    return sorted.get(from).key();
  }

  @Override
  public Bytes lastKey() {
    if (from == to) throw new NoSuchElementException();
    return sorted.get(to - 1).key();
  }

  /** The position of the first key-value (in the whole list) whose key is at least {@code key}. */
  private int ceiling(Bytes key) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid).key().compareTo(key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
