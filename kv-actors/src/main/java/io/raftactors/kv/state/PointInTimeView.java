package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The keys of a {@link KvState} as they were when a snapshot started, written out in key order,
 * a part at a time, while writes go on (MVCC instead of a copy): before a key that the view has
 * not reached yet changes, the state hands the view its old value ({@link #preserve}); the view
 * then writes that instead of the live one. Keys it has passed need nothing, so the memory it
 * holds is the old values of keys changed ahead of it, and nothing when no one writes.
 * Single-threaded: used on the applier's thread, between applies.
 */
final class PointInTimeView {
  /** Marks a key that did not exist when the view started. */
  private static final KeyValue ABSENT = new KeyValue(Bytes.EMPTY, Bytes.EMPTY, 0, 0, 0, 0, 0);

  private final NavigableMap<Bytes, KeyValue> live;
  private final TreeMap<Bytes, KeyValue> preserved = new TreeMap<>();
  private final byte[] header;
  private boolean headerWritten;
  private Bytes last;
  private boolean done;
  private boolean abandoned;

  /** @param header what precedes the keys (revision, clock, leases, sessions), as of the start */
  PointInTimeView(NavigableMap<Bytes, KeyValue> live, byte[] header) {
    this.live = live;
    this.header = header;
  }

  /** The state is about to change {@code key}, which holds {@code old} (null: absent). */
  void preserve(Bytes key, KeyValue old) {
    if (done || last != null && key.compareTo(last) <= 0) return;
    preserved.putIfAbsent(key, old == null ? ABSENT : old);
  }

  boolean done() {
    return done;
  }

  /**
   * Writes the next keys, about {@code maxBytes} of them; false once the end marker is written.
   * Walks the live keys after the last one written and the preserved ones together, in key
   * order, with one iterator each (nothing changes during one call), so a key costs O(1).
   */
  boolean writeNext(DataOutputStream out, int maxBytes) throws IOException {
    if (abandoned) throw new IllegalStateException("snapshot abandoned before its end was written");
    if (done) return false;
    int start = out.size();
    if (!headerWritten) {
      out.write(header);
      headerWritten = true;
    }
    Iterator<Map.Entry<Bytes, KeyValue>> liveKeys =
        (last == null ? live : live.tailMap(last, false)).entrySet().iterator();
    // Every preserved key is after the last one written (see preserve).
    Iterator<Map.Entry<Bytes, KeyValue>> preservedKeys = preserved.entrySet().iterator();
    Map.Entry<Bytes, KeyValue> l = liveKeys.hasNext() ? liveKeys.next() : null;
    Map.Entry<Bytes, KeyValue> p = preservedKeys.hasNext() ? preservedKeys.next() : null;
    while (out.size() - start < maxBytes) {
      if (l == null && p == null) {
        out.writeByte(0);
        done = true;
        preserved.clear();
        return false;
      }
      int order = l == null ? 1 : p == null ? -1 : l.getKey().compareTo(p.getKey());
      KeyValue kv;
      if (order < 0) {
        last = l.getKey();
        kv = l.getValue();
      } else {
        last = p.getKey();
        kv = p.getValue(); // the value as of the view's start, whatever the live map holds now
        preservedKeys.remove();
        p = preservedKeys.hasNext() ? preservedKeys.next() : null;
      }
      if (order <= 0) l = liveKeys.hasNext() ? liveKeys.next() : null;
      if (kv != ABSENT) {
        out.writeByte(kv.isHash() ? 2 : 1);
        KvState.writeKey(out, kv);
      }
    }
    return true;
  }

  /** Ends the view; unless it was complete, what it wrote is not a snapshot and it says so. */
  void close() {
    if (!done) abandoned = true;
    done = true;
    preserved.clear();
  }
}
