package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.Compare;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import io.raftactors.kv.WatchEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of the commands in the log and of their results (no Java
 * serialization). A command is a version byte, an optional session stamp (exactly-once writes)
 * and the write; byte strings are a length and the bytes.
 */
public final class KvCodec {
  private static final byte VERSION = 1;
  /** Largest key, value or list a decoder accepts, so a corrupt length cannot exhaust memory. */
  private static final int MAX_LENGTH = 64 * 1024 * 1024;

  private KvCodec() {}

  /**
   * Which client session a write belongs to (Raft dissertation 6.3).
   *
   * @param seq the write's number in its session (from 1)
   * @param firstUnconfirmed every write below this number has had its result received
   */
  public record SessionStamp(long session, long seq, long firstUnconfirmed) {}

  /** A command of the log: a write, stamped with its session or not. */
  public record Command(SessionStamp stamp, KvWrite write) {}

  public static byte[] encode(Command command) {
    return write(out -> {
      out.writeByte(VERSION);
      SessionStamp s = command.stamp();
      out.writeBoolean(s != null);
      if (s != null) {
        out.writeLong(s.session());
        out.writeLong(s.seq());
        out.writeLong(s.firstUnconfirmed());
      }
      writeWrite(out, command.write());
    });
  }

  public static Command decodeCommand(byte[] bytes) {
    return read(bytes, in -> {
      byte version = in.readByte();
      if (version != VERSION) throw new IOException("unknown command version " + version);
      SessionStamp stamp = in.readBoolean() ? new SessionStamp(in.readLong(), in.readLong(), in.readLong()) : null;
      return new Command(stamp, readWrite(in));
    });
  }

  public static byte[] encode(KvResult result) {
    return write(out -> writeResult(out, result));
  }

  public static KvResult decodeResult(byte[] bytes) {
    return read(bytes, KvCodec::readResult);
  }

  public static byte[] encode(KvQuery query) {
    return write(out -> {
      if (query instanceof KvQuery.Get g) {
        out.writeByte(1);
        writeBytes(out, g.key());
      } else if (query instanceof KvQuery.Range r) {
        out.writeByte(2);
        writeBytes(out, r.prefix());
        out.writeInt(r.limit());
      } else if (query instanceof KvQuery.Ttl t) {
        out.writeByte(3);
        writeBytes(out, t.key());
      } else if (query instanceof KvQuery.Count) {
        out.writeByte(4);
      } else if (query instanceof KvQuery.Scan sc) {
        out.writeByte(6);
        writeBytes(out, sc.after());
        writeBytes(out, sc.prefix());
        out.writeInt(sc.limit());
      } else if (query instanceof KvQuery.ScriptExists x) {
        out.writeByte(7);
        out.writeInt(x.shas().size());
        for (String sha : x.shas()) out.writeUTF(sha);
      } else if (query instanceof KvQuery.GetMany m) {
        out.writeByte(5);
        out.writeInt(m.keys().size());
        for (Bytes k : m.keys()) writeBytes(out, k);
      } else {
        throw new IllegalArgumentException("not a client query: " + query);
      }
    });
  }

  public static KvQuery decodeQuery(byte[] bytes) {
    return read(bytes, in -> {
      byte type = in.readByte();
      return switch (type) {
        case 1 -> new KvQuery.Get(readBytes(in));
        case 2 -> new KvQuery.Range(readBytes(in), in.readInt());
        case 3 -> new KvQuery.Ttl(readBytes(in));
        case 4 -> new KvQuery.Count();
        case 6 -> new KvQuery.Scan(readBytes(in), readBytes(in), in.readInt());
        case 7 -> {
          int n = length(in.readInt());
          List<String> shas = new ArrayList<>(n);
          for (int i = 0; i < n; i++) shas.add(in.readUTF());
          yield new KvQuery.ScriptExists(shas);
        }
        case 5 -> {
          int n = length(in.readInt());
          List<Bytes> keys = new ArrayList<>(n);
          for (int i = 0; i < n; i++) keys.add(readBytes(in));
          yield new KvQuery.GetMany(keys);
        }
        default -> throw new IOException("unknown query type " + type);
      };
    });
  }

  public static byte[] encodeEvents(List<WatchEvent> events) {
    return write(out -> {
      out.writeInt(events.size());
      for (WatchEvent e : events) {
        out.writeByte(e.type().ordinal());
        out.writeLong(e.revision());
        writeKeyValue(out, e.kv());
        writeKeyValue(out, e.previous());
      }
    });
  }

  public static List<WatchEvent> decodeEvents(byte[] bytes) {
    return read(bytes, in -> {
      int n = length(in.readInt());
      List<WatchEvent> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        events.add(new WatchEvent(enumAt(WATCH_TYPES, in.readByte()), in.readLong(),
            readKeyValue(in), readKeyValue(in)));
      }
      return events;
    });
  }

  // ---- writes -----------------------------------------------------------------------------

  /** Write types; 20 and 21 are taken by the reads of a transaction's operations ({@link #writeOps}). */
  private static void writeWrite(DataOutputStream out, KvWrite w) throws IOException {
    if (w instanceof KvWrite.Put p) {
      out.writeByte(1);
      writeBytes(out, p.key());
      writeBytes(out, p.value());
      out.writeLong(p.lease());
      out.writeLong(p.ttlMillis());
      out.writeBoolean(p.keepTtl());
      out.writeByte(p.condition().ordinal());
      out.writeBoolean(p.returnPrevious());
    } else if (w instanceof KvWrite.Delete d) {
      out.writeByte(2);
      writeBytes(out, d.key());
      out.writeBoolean(d.returnPrevious());
    } else if (w instanceof KvWrite.DeleteRange r) {
      out.writeByte(3);
      writeBytes(out, r.prefix());
    } else if (w instanceof KvWrite.Increment i) {
      out.writeByte(4);
      writeBytes(out, i.key());
      out.writeLong(i.delta());
    } else if (w instanceof KvWrite.Txn t) {
      out.writeByte(5);
      out.writeInt(t.compares().size());
      for (Compare c : t.compares()) writeCompare(out, c);
      writeOps(out, t.success());
      writeOps(out, t.failure());
    } else if (w instanceof KvWrite.Touch t) {
      out.writeByte(6);
      writeBytes(out, t.key());
      out.writeLong(t.ttlMillis());
    } else if (w instanceof KvWrite.LeaseGrant g) {
      out.writeByte(7);
      out.writeLong(g.ttlMillis());
    } else if (w instanceof KvWrite.LeaseKeepAlive k) {
      out.writeByte(8);
      out.writeLong(k.lease());
    } else if (w instanceof KvWrite.LeaseRevoke r) {
      out.writeByte(9);
      out.writeLong(r.lease());
    } else if (w instanceof KvWrite.ExpireDue) {
      out.writeByte(10);
    } else if (w instanceof KvWrite.OpenSession o) {
      out.writeByte(11);
      out.writeLong(o.ttlMillis());
    } else if (w instanceof KvWrite.KeepSession) {
      out.writeByte(12);
    } else if (w instanceof KvWrite.Append a) {
      out.writeByte(13);
      writeBytes(out, a.key());
      writeBytes(out, a.suffix());
    } else if (w instanceof KvWrite.Enqueue q) {
      out.writeByte(15);
      writeBytes(out, q.prefix());
      writeBytes(out, q.value());
      out.writeLong(q.lease());
      out.writeLong(q.ttlMillis());
      out.writeBoolean(q.onlyIfEmpty());
    } else if (w instanceof KvWrite.FencedPut f) {
      out.writeByte(16);
      writeBytes(out, f.key());
      writeBytes(out, f.value());
      out.writeLong(f.token());
    } else if (w instanceof KvWrite.DeleteIf d) {
      out.writeByte(17);
      writeBytes(out, d.key());
      writeBytes(out, d.value());
      out.writeBoolean(d.equal());
    } else if (w instanceof KvWrite.Eval e) {
      out.writeByte(18);
      writeBytes(out, e.script());
      out.writeUTF(e.sha());
      out.writeBoolean(e.bySha());
      writeList(out, e.keys());
      writeList(out, e.args());
      out.writeLong(e.maxInstructions());
      out.writeLong(e.maxMemoryBytes());
      out.writeBoolean(e.readOnly());
    } else if (w instanceof KvWrite.ScriptLoad l) {
      out.writeByte(19);
      writeBytes(out, l.script());
    } else if (w instanceof KvWrite.ScriptFlush) {
      out.writeByte(24);
    } else if (w instanceof KvWrite.ShiftLeases sh) {
      out.writeByte(28);
      out.writeLong(sh.millis());
    } else if (w instanceof KvWrite.HashSet h) {
      out.writeByte(25);
      writeBytes(out, h.key());
      writeList(out, h.fieldsAndValues());
      out.writeBoolean(h.onlyIfAbsent());
    } else if (w instanceof KvWrite.HashDelete h) {
      out.writeByte(26);
      writeBytes(out, h.key());
      writeList(out, h.fields());
    } else if (w instanceof KvWrite.HashIncrement h) {
      out.writeByte(27);
      writeBytes(out, h.key());
      writeBytes(out, h.field());
      out.writeLong(h.delta());
    } else if (w instanceof KvWrite.Batch b) {
      out.writeByte(14);
      out.writeInt(b.writes().size());
      for (KvWrite each : b.writes()) writeWrite(out, each);
    } else {
      throw new IllegalArgumentException("unknown write " + w);
    }
  }

  private static KvWrite readWrite(DataInputStream in) throws IOException {
    byte type = in.readByte();
    return switch (type) {
      case 1 -> new KvWrite.Put(readBytes(in), readBytes(in), in.readLong(), in.readLong(), in.readBoolean(),
          enumAt(CONDITIONS, in.readByte()), in.readBoolean());
      case 2 -> new KvWrite.Delete(readBytes(in), in.readBoolean());
      case 3 -> new KvWrite.DeleteRange(readBytes(in));
      case 4 -> new KvWrite.Increment(readBytes(in), in.readLong());
      case 5 -> {
        int n = length(in.readInt());
        List<Compare> compares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) compares.add(readCompare(in));
        yield new KvWrite.Txn(compares, readOps(in), readOps(in));
      }
      case 6 -> new KvWrite.Touch(readBytes(in), in.readLong());
      case 7 -> new KvWrite.LeaseGrant(in.readLong());
      case 8 -> new KvWrite.LeaseKeepAlive(in.readLong());
      case 9 -> new KvWrite.LeaseRevoke(in.readLong());
      case 10 -> new KvWrite.ExpireDue();
      case 11 -> new KvWrite.OpenSession(in.readLong());
      case 12 -> new KvWrite.KeepSession();
      case 13 -> new KvWrite.Append(readBytes(in), readBytes(in));
      case 14 -> {
        int n = length(in.readInt());
        List<KvWrite> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          KvWrite w = readWrite(in);
          if (!(w instanceof TxnOp || w instanceof KvWrite.Txn)) throw new IOException("not allowed in a batch: " + w);
          writes.add(w);
        }
        yield new KvWrite.Batch(writes);
      }
      case 15 -> new KvWrite.Enqueue(readBytes(in), readBytes(in), in.readLong(), in.readLong(), in.readBoolean());
      case 16 -> new KvWrite.FencedPut(readBytes(in), readBytes(in), in.readLong());
      case 17 -> new KvWrite.DeleteIf(readBytes(in), readBytes(in), in.readBoolean());
      case 18 -> new KvWrite.Eval(readBytes(in), in.readUTF(), in.readBoolean(), readList(in), readList(in),
          in.readLong(), in.readLong(), in.readBoolean());
      case 19 -> new KvWrite.ScriptLoad(readBytes(in));
      case 24 -> new KvWrite.ScriptFlush();
      case 28 -> new KvWrite.ShiftLeases(in.readLong());
      case 25 -> {
        Bytes key = readBytes(in);
        List<Bytes> fv = readList(in);
        boolean onlyIfAbsent = in.readBoolean();
        if (fv.isEmpty() || fv.size() % 2 != 0) throw new IOException("hash fields and values come in pairs");
        yield new KvWrite.HashSet(key, fv, onlyIfAbsent);
      }
      case 26 -> new KvWrite.HashDelete(readBytes(in), readList(in));
      case 27 -> new KvWrite.HashIncrement(readBytes(in), readBytes(in), in.readLong());
      default -> throw new IOException("unknown write type " + type);
    };
  }

  private static void writeOps(DataOutputStream out, List<TxnOp> ops) throws IOException {
    out.writeInt(ops.size());
    for (TxnOp op : ops) {
      if (op instanceof KvWrite w) {
        writeWrite(out, w);
      } else if (op instanceof KvQuery.Get g) {
        out.writeByte(20);
        writeBytes(out, g.key());
      } else if (op instanceof KvQuery.Range r) {
        out.writeByte(21);
        writeBytes(out, r.prefix());
        out.writeInt(r.limit());
      }
    }
  }

  private static List<TxnOp> readOps(DataInputStream in) throws IOException {
    int n = length(in.readInt());
    List<TxnOp> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      in.mark(1);
      byte type = in.readByte();
      if (type == 20) {
        ops.add(new KvQuery.Get(readBytes(in)));
      } else if (type == 21) {
        ops.add(new KvQuery.Range(readBytes(in), in.readInt()));
      } else {
        in.reset();
        KvWrite w = readWrite(in);
        if (!(w instanceof TxnOp op)) throw new IOException("not allowed in a transaction: " + w);
        ops.add(op);
      }
    }
    return ops;
  }

  private static void writeCompare(DataOutputStream out, Compare c) throws IOException {
    writeBytes(out, c.key());
    out.writeByte(c.target().ordinal());
    out.writeByte(c.relation().ordinal());
    writeNullable(out, c.value());
    out.writeLong(c.number());
  }

  private static Compare readCompare(DataInputStream in) throws IOException {
    return new Compare(readBytes(in), enumAt(COMPARE_TARGETS, in.readByte()),
        enumAt(COMPARE_RELATIONS, in.readByte()), readNullable(in), in.readLong());
  }

  // ---- results ----------------------------------------------------------------------------

  private static void writeResult(DataOutputStream out, KvResult r) throws IOException {
    if (r instanceof KvResult.PutResult p) {
      out.writeByte(1);
      out.writeLong(p.revision());
      out.writeBoolean(p.applied());
      writeKeyValue(out, p.previous());
    } else if (r instanceof KvResult.DeleteResult d) {
      out.writeByte(2);
      out.writeLong(d.revision());
      out.writeLong(d.deleted());
      writeKeyValue(out, d.previous());
    } else if (r instanceof KvResult.IncrementResult i) {
      out.writeByte(3);
      out.writeLong(i.revision());
      out.writeLong(i.value());
    } else if (r instanceof KvResult.GetResult g) {
      out.writeByte(4);
      out.writeLong(g.revision());
      writeKeyValue(out, g.kv());
    } else if (r instanceof KvResult.RangeResult rr) {
      out.writeByte(5);
      out.writeLong(rr.revision());
      out.writeBoolean(rr.more());
      out.writeInt(rr.kvs().size());
      for (KeyValue kv : rr.kvs()) writeKeyValue(out, kv);
    } else if (r instanceof KvResult.TxnResult t) {
      out.writeByte(6);
      out.writeLong(t.revision());
      out.writeBoolean(t.succeeded());
      out.writeInt(t.results().size());
      for (KvResult sub : t.results()) writeResult(out, sub);
    } else if (r instanceof KvResult.TouchResult t) {
      out.writeByte(7);
      out.writeLong(t.revision());
      out.writeBoolean(t.found());
      out.writeLong(t.previousExpiresAt());
    } else if (r instanceof KvResult.TtlResult t) {
      out.writeByte(8);
      out.writeBoolean(t.exists());
      out.writeLong(t.expiresAt());
    } else if (r instanceof KvResult.CountResult c) {
      out.writeByte(9);
      out.writeLong(c.revision());
      out.writeLong(c.keys());
    } else if (r instanceof KvResult.LeaseResult l) {
      out.writeByte(10);
      out.writeLong(l.revision());
      out.writeLong(l.lease());
      out.writeLong(l.ttlMillis());
      out.writeLong(l.expiresAt());
      out.writeLong(l.deleted());
    } else if (r instanceof KvResult.SessionResult s) {
      out.writeByte(11);
      out.writeLong(s.session());
      out.writeLong(s.ttlMillis());
    } else if (r instanceof KvResult.Done d) {
      out.writeByte(12);
      out.writeLong(d.revision());
    } else if (r instanceof KvResult.GetManyResult g) {
      out.writeByte(14);
      out.writeLong(g.revision());
      out.writeInt(g.kvs().size());
      for (KeyValue kv : g.kvs()) writeKeyValue(out, kv);
    } else if (r instanceof KvResult.AppendResult a) {
      out.writeByte(15);
      out.writeLong(a.revision());
      out.writeLong(a.length());
    } else if (r instanceof KvResult.BatchResult b) {
      out.writeByte(16);
      out.writeInt(b.results().size());
      for (KvResult sub : b.results()) writeResult(out, sub);
    } else if (r instanceof KvResult.EnqueueResult q) {
      out.writeByte(17);
      out.writeLong(q.revision());
      writeKeyValue(out, q.entry());
      writeKeyValue(out, q.predecessor());
      out.writeLong(q.ahead());
    } else if (r instanceof KvResult.EvalResult e) {
      out.writeByte(18);
      out.writeLong(e.revision());
      writeBytes(out, Bytes.wrap(e.reply()));
      out.writeBoolean(e.rolledBack());
    } else if (r instanceof KvResult.NumberResult nr) {
      out.writeByte(21);
      out.writeLong(nr.revision());
      out.writeLong(nr.number());
    } else if (r instanceof KvResult.ScriptResult sr) {
      out.writeByte(19);
      out.writeUTF(sr.sha());
    } else if (r instanceof KvResult.ScriptExistsResult x) {
      out.writeByte(20);
      out.writeInt(x.exists().size());
      for (boolean b : x.exists()) out.writeBoolean(b);
    } else if (r instanceof KvResult.Failure f) {
      out.writeByte(13);
      out.writeByte(f.code().ordinal());
      out.writeUTF(f.message());
    } else {
      throw new IllegalArgumentException("unknown result " + r);
    }
  }

  private static KvResult readResult(DataInputStream in) throws IOException {
    byte type = in.readByte();
    return switch (type) {
      case 1 -> new KvResult.PutResult(in.readLong(), in.readBoolean(), readKeyValue(in));
      case 2 -> new KvResult.DeleteResult(in.readLong(), in.readLong(), readKeyValue(in));
      case 3 -> new KvResult.IncrementResult(in.readLong(), in.readLong());
      case 4 -> new KvResult.GetResult(in.readLong(), readKeyValue(in));
      case 5 -> {
        long revision = in.readLong();
        boolean more = in.readBoolean();
        int n = length(in.readInt());
        List<KeyValue> kvs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) kvs.add(readKeyValue(in));
        yield new KvResult.RangeResult(revision, kvs, more);
      }
      case 6 -> {
        long revision = in.readLong();
        boolean succeeded = in.readBoolean();
        int n = length(in.readInt());
        List<KvResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) results.add(readResult(in));
        yield new KvResult.TxnResult(revision, succeeded, results);
      }
      case 7 -> new KvResult.TouchResult(in.readLong(), in.readBoolean(), in.readLong());
      case 8 -> new KvResult.TtlResult(in.readBoolean(), in.readLong());
      case 9 -> new KvResult.CountResult(in.readLong(), in.readLong());
      case 10 -> new KvResult.LeaseResult(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
      case 11 -> new KvResult.SessionResult(in.readLong(), in.readLong());
      case 12 -> new KvResult.Done(in.readLong());
      case 13 -> new KvResult.Failure(enumAt(FAILURE_CODES, in.readByte()), in.readUTF());
      case 14 -> {
        long revision = in.readLong();
        int n = length(in.readInt());
        List<KeyValue> kvs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) kvs.add(readKeyValue(in));
        yield new KvResult.GetManyResult(revision, java.util.Collections.unmodifiableList(kvs));
      }
      case 15 -> new KvResult.AppendResult(in.readLong(), in.readLong());
      case 16 -> {
        int n = length(in.readInt());
        List<KvResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) results.add(readResult(in));
        yield new KvResult.BatchResult(results);
      }
      case 17 -> new KvResult.EnqueueResult(in.readLong(), readKeyValue(in), readKeyValue(in), in.readLong());
      case 18 -> new KvResult.EvalResult(in.readLong(), readBytes(in).unsafeArray(), in.readBoolean());
      case 19 -> new KvResult.ScriptResult(in.readUTF());
      case 21 -> new KvResult.NumberResult(in.readLong(), in.readLong());
      case 20 -> {
        int n = length(in.readInt());
        List<Boolean> exists = new ArrayList<>(n);
        for (int i = 0; i < n; i++) exists.add(in.readBoolean());
        yield new KvResult.ScriptExistsResult(exists);
      }
      default -> throw new IOException("unknown result type " + type);
    };
  }

  /** A byte first: 0 for none, 1 for a string, 2 for a hash (older encodings wrote only 0 or 1). */
  private static void writeKeyValue(DataOutputStream out, KeyValue kv) throws IOException {
    out.writeByte(kv == null ? 0 : kv.isHash() ? 2 : 1);
    if (kv == null) return;
    writeBytes(out, kv.key());
    writeBytes(out, kv.value());
    out.writeLong(kv.createRevision());
    out.writeLong(kv.modRevision());
    out.writeLong(kv.version());
    out.writeLong(kv.lease());
    out.writeLong(kv.expiresAt());
  }

  private static KeyValue readKeyValue(DataInputStream in) throws IOException {
    byte kind = in.readByte();
    if (kind == 0) return null;
    if (kind != 1 && kind != 2) throw new IOException("unknown key-value kind " + kind);
    return new KeyValue(readBytes(in), readBytes(in), in.readLong(), in.readLong(), in.readLong(),
        in.readLong(), in.readLong(), kind == 2 ? KeyValue.Type.HASH : KeyValue.Type.STRING);
  }

  // ---- primitives -------------------------------------------------------------------------

  static void writeBytes(DataOutputStream out, Bytes b) throws IOException {
    out.writeInt(b.size());
    out.write(b.unsafeArray());
  }

  static Bytes readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[length(in.readInt())];
    in.readFully(b);
    return Bytes.wrap(b);
  }

  private static void writeList(DataOutputStream out, List<Bytes> items) throws IOException {
    out.writeInt(items.size());
    for (Bytes b : items) writeBytes(out, b);
  }

  private static List<Bytes> readList(DataInputStream in) throws IOException {
    int n = length(in.readInt());
    List<Bytes> items = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) items.add(readBytes(in));
    return items;
  }

  private static void writeNullable(DataOutputStream out, Bytes b) throws IOException {
    out.writeBoolean(b != null);
    if (b != null) writeBytes(out, b);
  }

  private static Bytes readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? readBytes(in) : null;
  }

  private static int length(int n) throws IOException {
    if (n < 0 || n > MAX_LENGTH) throw new IOException("impossible length " + n);
    return n;
  }

  private static <E> E enumAt(E[] values, int ordinal) throws IOException {
    if (ordinal < 0 || ordinal >= values.length) throw new IOException("unknown enum value " + ordinal);
    return values[ordinal];
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  // values() copies its array at every call; decoding runs for every entry on every replica.
  private static final WatchEvent.Type[] WATCH_TYPES = WatchEvent.Type.values();
  private static final KvWrite.Condition[] CONDITIONS = KvWrite.Condition.values();
  private static final Compare.Target[] COMPARE_TARGETS = Compare.Target.values();
  private static final Compare.Relation[] COMPARE_RELATIONS = Compare.Relation.values();
  private static final KvResult.Failure.Code[] FAILURE_CODES = KvResult.Failure.Code.values();

  /**
   * One thread's streams, reused: every entry is decoded and its result encoded on every replica,
   * and a DataInputStream alone allocates 240 bytes of line buffers it never uses here.
   */
  private static final class Streams {
    private static final int KEEP_BYTES = 64 * 1024;
    final Input input = new Input();
    final DataInputStream in = new DataInputStream(input);
    final ByteArrayOutputStream output = new ByteArrayOutputStream(256);
    final DataOutputStream out = new DataOutputStream(output);
    boolean reading;
    boolean writing;
  }

  /** A ByteArrayInputStream that can be pointed at other bytes. */
  private static final class Input extends ByteArrayInputStream {
    private static final byte[] NONE = new byte[0];

    Input() {
      super(NONE);
    }

    void reset(byte[] bytes) {
      buf = bytes;
      pos = 0;
      mark = 0;
      count = bytes.length;
    }
  }

  private static final ThreadLocal<Streams> STREAMS = ThreadLocal.withInitial(Streams::new);

  private static byte[] write(Writer w) {
    Streams s = STREAMS.get();
    if (s.writing) return writeFresh(w); // a writer that encodes something else on the way
    s.writing = true;
    try {
      s.output.reset();
      w.write(s.out);
      return s.output.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      s.writing = false;
      if (s.output.size() > Streams.KEEP_BYTES) STREAMS.remove(); // do not keep a large buffer per thread
    }
  }

  private static byte[] writeFresh(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> r) {
    Streams s = STREAMS.get();
    if (s.reading) return readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), r);
    s.reading = true;
    try {
      s.input.reset(bytes);
      return readFrom(s.in, r);
    } finally {
      s.input.reset(Input.NONE);
      s.reading = false;
    }
  }

  private static <T> T readFrom(DataInputStream in, Reader<T> r) {
    try {
      T value = r.read(in);
      if (in.available() > 0) throw new IOException(in.available() + " bytes left over");
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed KV command or result: " + e.getMessage(), e);
    }
  }
}
