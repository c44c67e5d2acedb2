package io.raftactors.kv.resp;

import static io.raftactors.kv.resp.RespSession.NOT_AN_INTEGER;
import static io.raftactors.kv.resp.RespSession.SYNTAX;
import static io.raftactors.kv.resp.RespSession.key;
import static io.raftactors.kv.resp.RespSession.number;
import static io.raftactors.kv.resp.RespSession.text;
import static io.raftactors.kv.resp.RespSession.wrongArity;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** The Redis string and keyspace commands, as plans and queries on the replicated store. */
final class StringCommands {
  private final RespSession session;
  /** SCAN cursors of this connection: cursor number to the last key returned. */
  private final Map<Long, Bytes> cursors = new ConcurrentHashMap<>();
  private final AtomicLong nextCursor = new AtomicLong(1);

  StringCommands(RespSession session) {
    this.session = session;
  }

  // ---- writes -----------------------------------------------------------------------------

  /**
   * The command as a {@link Plan}, or the error reply when it cannot be one (wrong arguments, or a
   * command that cannot run inside a transaction).
   */
  Object plan(String name, List<byte[]> args) {
    int n = args.size();
    return switch (name) {
      case "SET" -> n < 3 ? wrongArity(name) : set(args);
      case "SETNX" -> n != 3 ? wrongArity(name) : Plan.of(put(args.get(1), args.get(2), KvWrite.Condition.IF_ABSENT, false),
          r -> Resp.integer(((KvResult.PutResult) r).applied() ? 1 : 0));
      case "GETSET" -> n != 3 ? wrongArity(name) : Plan.of(put(args.get(1), args.get(2), KvWrite.Condition.ALWAYS, true),
          r -> bulkOf(((KvResult.PutResult) r).previous()));
      case "MSET" -> n < 3 || n % 2 == 0 ? wrongArity(name) : mset(args);
      case "DEL", "UNLINK" -> n < 2 ? wrongArity(name) : del(args);
      case "INCR", "DECR" -> n != 2 ? wrongArity(name) : increment(args.get(1), name.equals("INCR") ? 1 : -1);
      case "INCRBY", "DECRBY" -> {
        if (n != 3) yield wrongArity(name);
        Long by = number(args.get(2));
        if (by == null) yield NOT_AN_INTEGER;
        if (name.equals("DECRBY") && by == Long.MIN_VALUE) yield Resp.error("ERR decrement would overflow");
        yield increment(args.get(1), name.equals("INCRBY") ? by : -by);
      }
      case "APPEND" -> n != 3 ? wrongArity(name) : Plan.of(new KvWrite.Append(key(args.get(1)), key(args.get(2))),
          r -> Resp.integer(((KvResult.AppendResult) r).length()));
      case "EXPIRE", "PEXPIRE" -> n != 3 ? wrongArity(name) : expire(name, args);
      case "PERSIST" -> n != 2 ? wrongArity(name) : Plan.of(new KvWrite.Touch(key(args.get(1)), 0),
          r -> Resp.integer(((KvResult.TouchResult) r).previousExpiresAt() != 0 ? 1 : 0));
      case "FENCEDSET" -> n != 4 ? wrongArity(name) : fencedSet(args);
      case "DELIFEQ" -> n != 3 ? wrongArity(name) : deleteIf(args.get(1), args.get(2), true);
      case "DELEX" -> n == 2 ? del(args) : n != 4 ? wrongArity(name) : delex(args);
      case "FLUSHALL", "FLUSHDB" -> Plan.of(new KvWrite.DeleteRange(Bytes.EMPTY), r -> Resp.OK);
      case "GET" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))),
          r -> bulkOf(((KvResult.GetResult) r).kv()));
      case "STRLEN" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))),
          r -> Resp.integer(sizeOf(((KvResult.GetResult) r).kv())));
      case "EXISTS" -> n < 2 ? wrongArity(name) : gets(args, results ->
          Resp.integer(results.stream().filter(r -> ((KvResult.GetResult) r).kv() != null).count()));
      case "MGET" -> n < 2 ? wrongArity(name) : gets(args, results -> {
        List<byte[]> values = new ArrayList<>(results.size());
        for (KvResult r : results) values.add(valueOf(((KvResult.GetResult) r).kv()));
        return Resp.array(values);
      });
      default -> Resp.error("ERR command '" + name.toLowerCase(Locale.ROOT)
          + "' is not supported inside MULTI; use it outside a transaction");
    };
  }

  private Object set(List<byte[]> args) {
    KvWrite.Condition condition = KvWrite.Condition.ALWAYS;
    boolean get = false;
    boolean keepTtl = false;
    long ttl = 0;
    boolean expirySet = false;
    for (int i = 3; i < args.size(); i++) {
      String option = text(args.get(i)).toUpperCase(Locale.ROOT);
      switch (option) {
        case "NX", "XX" -> {
          if (condition != KvWrite.Condition.ALWAYS) return SYNTAX;
          condition = option.equals("NX") ? KvWrite.Condition.IF_ABSENT : KvWrite.Condition.IF_PRESENT;
        }
        case "GET" -> get = true;
        case "KEEPTTL" -> {
          if (expirySet) return SYNTAX;
          keepTtl = true;
        }
        case "EX", "PX", "EXAT", "PXAT" -> {
          if (expirySet || keepTtl || i + 1 == args.size()) return SYNTAX;
          Long v = number(args.get(++i));
          if (v == null) return NOT_AN_INTEGER;
          long now = System.currentTimeMillis();
          ttl = switch (option) {
            case "EX" -> v * 1000;
            case "PX" -> v;
            case "EXAT" -> v * 1000 - now;
            default -> v - now;
          };
          if (v <= 0 || ttl <= 0 && (option.equals("EX") || option.equals("PX"))) {
            return Resp.error("ERR invalid expire time in 'set' command");
          }
          ttl = Math.max(1, ttl);
          expirySet = true;
        }
        default -> {
          return SYNTAX;
        }
      }
    }
    boolean returnPrevious = get;
    KvWrite.Put put = new KvWrite.Put(key(args.get(1)), key(args.get(2)), 0, ttl, keepTtl, condition, get);
    return Plan.of(put, r -> {
      KvResult.PutResult p = (KvResult.PutResult) r;
      if (returnPrevious) return bulkOf(p.previous());
      return p.applied() ? Resp.OK : Resp.NULL_BULK;
    });
  }

  private Object mset(List<byte[]> args) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 1; i < args.size(); i += 2) ops.add(put(args.get(i), args.get(i + 1), KvWrite.Condition.ALWAYS, false));
    return new Plan(ops, results -> Resp.OK);
  }

  private Object del(List<byte[]> args) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) ops.add(new KvWrite.Delete(key(args.get(i)), false));
    return new Plan(ops, results -> Resp.integer(
        results.stream().mapToLong(r -> ((KvResult.DeleteResult) r).deleted()).sum()));
  }

  private Object fencedSet(List<byte[]> args) {
    Long token = number(args.get(3));
    if (token == null || token <= 0) return NOT_AN_INTEGER;
    return Plan.of(new KvWrite.FencedPut(key(args.get(1)), key(args.get(2)), token), r -> Resp.OK);
  }

  private Object delex(List<byte[]> args) {
    String condition = text(args.get(2)).toUpperCase(Locale.ROOT);
    return switch (condition) {
      case "IFEQ" -> deleteIf(args.get(1), args.get(3), true);
      case "IFNE" -> deleteIf(args.get(1), args.get(3), false);
      case "IFDEQ", "IFDNE" -> Resp.error("ERR DELEX " + condition + " (value digests) is not supported; use IFEQ or IFNE");
      default -> SYNTAX;
    };
  }

  private static Object deleteIf(byte[] key, byte[] value, boolean equal) {
    return Plan.of(new KvWrite.DeleteIf(key(key), key(value), equal),
        r -> Resp.integer(((KvResult.DeleteResult) r).deleted()));
  }

  private Object increment(byte[] key, long delta) {
    return Plan.of(new KvWrite.Increment(key(key), delta), r -> Resp.integer(((KvResult.IncrementResult) r).value()));
  }

  private Object expire(String name, List<byte[]> args) {
    Long amount = number(args.get(2));
    if (amount == null) return NOT_AN_INTEGER;
    long millis;
    try {
      millis = name.equals("EXPIRE") ? Math.multiplyExact(amount, 1000) : amount;
    } catch (ArithmeticException e) {
      return Resp.error("ERR invalid expire time in '" + name.toLowerCase(Locale.ROOT) + "' command");
    }
    if (millis <= 0) { // Redis deletes a key given a TTL in the past
      return Plan.of(new KvWrite.Delete(key(args.get(1)), false),
          r -> Resp.integer(((KvResult.DeleteResult) r).deleted()));
    }
    return Plan.of(new KvWrite.Touch(key(args.get(1)), millis),
        r -> Resp.integer(((KvResult.TouchResult) r).found() ? 1 : 0));
  }

  private static Object gets(List<byte[]> args, Function<List<KvResult>, ByteString> reply) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) ops.add(new KvQuery.Get(key(args.get(i))));
    return new Plan(ops, reply);
  }

  private static KvWrite.Put put(byte[] key, byte[] value, KvWrite.Condition condition, boolean previous) {
    return new KvWrite.Put(key(key), key(value), 0, 0, false, condition, previous);
  }

  // ---- reads ------------------------------------------------------------------------------

  /** Runs a read command at the connection's consistency, never through the log. */
  CompletionStage<ByteString> read(String name, List<byte[]> args) {
    int n = args.size();
    return switch (name) {
      case "GET" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))), r -> bulkOf(((KvResult.GetResult) r).kv()));
      case "STRLEN" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))), r -> Resp.integer(sizeOf(((KvResult.GetResult) r).kv())));
      case "TYPE" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))),
              r -> Resp.simple(((KvResult.GetResult) r).kv() == null ? "none" : "string"));
      case "MGET" -> n < 2 ? done(wrongArity(name)) : query(new KvQuery.GetMany(keys(args)), r -> {
        List<byte[]> values = new ArrayList<>();
        for (KeyValue kv : ((KvResult.GetManyResult) r).kvs()) values.add(valueOf(kv));
        return Resp.array(values);
      });
      case "EXISTS" -> n < 2 ? done(wrongArity(name)) : query(new KvQuery.GetMany(keys(args)),
          r -> Resp.integer(((KvResult.GetManyResult) r).kvs().stream().filter(kv -> kv != null).count()));
      case "TTL", "PTTL" -> n != 2 ? done(wrongArity(name)) : query(new KvQuery.Ttl(key(args.get(1))), r -> {
        KvResult.TtlResult t = (KvResult.TtlResult) r;
        if (!t.exists()) return Resp.integer(-2);
        if (t.expiresAt() == 0) return Resp.integer(-1);
        long left = Math.max(0, t.expiresAt() - System.currentTimeMillis());
        return Resp.integer(name.equals("TTL") ? (left + 500) / 1000 : left);
      });
      case "DBSIZE" -> query(new KvQuery.Count(), r -> Resp.integer(((KvResult.CountResult) r).keys()));
      case "KEYS" -> n != 2 ? done(wrongArity(name)) : keys(args.get(1));
      case "SCAN" -> n < 2 ? done(wrongArity(name)) : scan(args);
      case "INFO" -> new ServerCommands(session).info(args);
      default -> done(RespSession.unknown(name, args));
    };
  }

  private CompletionStage<ByteString> keys(byte[] pattern) {
    GlobPattern glob = new GlobPattern(pattern);
    return query(new KvQuery.Range(Bytes.wrap(glob.literalPrefix()), 0), r -> {
      List<byte[]> out = new ArrayList<>();
      for (KeyValue kv : ((KvResult.RangeResult) r).kvs()) {
        if (glob.matches(kv.key().unsafeArray())) out.add(kv.key().unsafeArray());
      }
      return Resp.array(out);
    });
  }

  private CompletionStage<ByteString> scan(List<byte[]> args) {
    Long cursor = number(args.get(1));
    if (cursor == null || cursor < 0) return done(Resp.error("ERR invalid cursor"));
    GlobPattern match = null;
    int count = 10;
    for (int i = 2; i < args.size(); i += 2) {
      if (i + 1 == args.size()) return done(SYNTAX);
      String option = text(args.get(i)).toUpperCase(Locale.ROOT);
      if (option.equals("MATCH")) {
        match = new GlobPattern(args.get(i + 1));
      } else if (option.equals("COUNT")) {
        Long c = number(args.get(i + 1));
        if (c == null || c < 1) return done(SYNTAX);
        count = (int) Math.min(c, 10_000);
      } else if (!option.equals("TYPE")) {
        return done(SYNTAX);
      }
    }
    Bytes after = cursor == 0 ? Bytes.EMPTY : cursors.remove(cursor);
    if (after == null) return done(Resp.arrayOf(List.of(Resp.bulk("0"), Resp.EMPTY_ARRAY)));
    GlobPattern glob = match;
    Bytes prefix = glob == null ? Bytes.EMPTY : Bytes.wrap(glob.literalPrefix());
    return query(new KvQuery.Scan(after, prefix, count), r -> {
      KvResult.RangeResult page = (KvResult.RangeResult) r;
      List<byte[]> keys = new ArrayList<>();
      for (KeyValue kv : page.kvs()) {
        if (glob == null || glob.matches(kv.key().unsafeArray())) keys.add(kv.key().unsafeArray());
      }
      String next = "0";
      if (page.more() && !page.kvs().isEmpty()) {
        long id = nextCursor.getAndIncrement();
        cursors.put(id, page.kvs().get(page.kvs().size() - 1).key());
        next = Long.toString(id);
      }
      return Resp.arrayOf(List.of(Resp.bulk(next), Resp.array(keys)));
    });
  }

  private CompletionStage<ByteString> query(KvQuery q, Function<KvResult, ByteString> reply) {
    return session.backend.query(q, session.consistency).thenApply(response -> {
      if (!(response instanceof KvResponse.Done done)) return RespSession.notDone(response);
      KvResult result = done.decoded();
      return result instanceof KvResult.Failure f ? RespSession.refused(f) : reply.apply(result);
    });
  }

  private static List<Bytes> keys(List<byte[]> args) {
    List<Bytes> keys = new ArrayList<>(args.size() - 1);
    for (int i = 1; i < args.size(); i++) keys.add(key(args.get(i)));
    return keys;
  }

  private static CompletionStage<ByteString> done(ByteString b) {
    return CompletableFuture.completedFuture(b);
  }

  static ByteString bulkOf(KeyValue kv) {
    return Resp.bulk(valueOf(kv));
  }

  private static byte[] valueOf(KeyValue kv) {
    return kv == null ? null : kv.value().unsafeArray();
  }

  private static long sizeOf(KeyValue kv) {
    return kv == null ? 0 : kv.value().size();
  }
}
