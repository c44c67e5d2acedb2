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
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.TxnOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Redis commands as {@link Plan}s: the operations on the store a command is, and the reply its
 * results make. One source of their meaning for the three places that run them: a connection
 * (alone or batched), a MULTI/EXEC transaction, and {@code redis.call} in a script.
 */
public final class CommandPlans {
  private CommandPlans() {}

  /** The reply of a plan whose operations gave {@code results}: the first refusal's error, if any. */
  public static ByteString reply(Plan plan, List<KvResult> results) {
    for (KvResult r : results) {
      if (r instanceof KvResult.Failure f) return RespSession.refused(f);
    }
    return plan.reply().apply(results);
  }

  /**
   * The command as a {@link Plan}; the error reply when its arguments are wrong; null when the
   * command has no plan (it is not a write or a read that a transaction or script can run).
   *
   * @param clockMillis the time EXAT and PXAT count from (the state machine's stamped clock in a
   *     script, the wall clock at the front end)
   */
  public static Object plan(String name, List<byte[]> args, LongSupplier clockMillis) {
    int n = args.size();
    return switch (name) {
      case "SET" -> n < 3 ? wrongArity(name) : set(args, clockMillis);
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
      case "TTL", "PTTL" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))), r -> {
        KeyValue kv = ((KvResult.GetResult) r).kv();
        if (kv == null) return Resp.integer(-2);
        if (kv.expiresAt() == 0) return Resp.integer(-1);
        long left = Math.max(0, kv.expiresAt() - clockMillis.getAsLong());
        return Resp.integer(name.equals("TTL") ? (left + 500) / 1000 : left);
      });
      case "TYPE" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))),
          r -> typeOf(((KvResult.GetResult) r).kv()));
      case "GET" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))),
          r -> bulkOf(((KvResult.GetResult) r).kv()));
      case "HSET", "HMSET" -> n < 4 || n % 2 != 0 ? wrongArity(name) : Plan.of(
          new KvWrite.HashSet(key(args.get(1)), keysFrom(args, 2), false),
          r -> name.equals("HMSET") ? Resp.OK : Resp.integer(((KvResult.NumberResult) r).number()));
      case "HSETNX" -> n != 4 ? wrongArity(name) : Plan.of(
          new KvWrite.HashSet(key(args.get(1)), keysFrom(args, 2), true),
          r -> Resp.integer(((KvResult.NumberResult) r).number()));
      case "HDEL" -> n < 3 ? wrongArity(name) : Plan.of(new KvWrite.HashDelete(key(args.get(1)), keysFrom(args, 2)),
          r -> Resp.integer(((KvResult.NumberResult) r).number()));
      case "HINCRBY" -> {
        if (n != 4) yield wrongArity(name);
        Long by = number(args.get(3));
        yield by == null ? NOT_AN_INTEGER : Plan.of(new KvWrite.HashIncrement(key(args.get(1)), key(args.get(2)), by),
            r -> Resp.integer(((KvResult.IncrementResult) r).value()));
      }
      case "HGET", "HEXISTS", "HSTRLEN" -> n != 3 ? wrongArity(name) : hashRead(args, fields -> {
        Bytes v = fields.get(key(args.get(2)));
        return switch (name) {
          case "HGET" -> Resp.bulk(v == null ? null : v.unsafeArray());
          case "HEXISTS" -> Resp.integer(v == null ? 0 : 1);
          default -> Resp.integer(v == null ? 0 : v.size());
        };
      });
      case "HMGET" -> n < 3 ? wrongArity(name) : hashRead(args, fields -> {
        List<byte[]> out = new ArrayList<>();
        for (Bytes f : keysFrom(args, 2)) out.add(fields.containsKey(f) ? fields.get(f).unsafeArray() : null);
        return Resp.array(out);
      });
      case "HGETALL", "HKEYS", "HVALS", "HLEN" -> n != 2 ? wrongArity(name) : hashRead(args, fields -> {
        if (name.equals("HLEN")) return Resp.integer(fields.size());
        List<byte[]> out = new ArrayList<>();
        for (var f : fields.entrySet()) {
          if (!name.equals("HVALS")) out.add(f.getKey().unsafeArray());
          if (!name.equals("HKEYS")) out.add(f.getValue().unsafeArray());
        }
        return Resp.array(out);
      });
      case "PUBLISH" -> n != 3 ? wrongArity(name) : new Plan(List.of(), r -> Resp.integer(0));
      case "STRLEN" -> n != 2 ? wrongArity(name) : Plan.of(new KvQuery.Get(key(args.get(1))),
          r -> strlen(((KvResult.GetResult) r).kv()));
      case "EXISTS" -> n < 2 ? wrongArity(name) : gets(args, results ->
          Resp.integer(results.stream().filter(r -> ((KvResult.GetResult) r).kv() != null).count()));
      case "MGET" -> n < 2 ? wrongArity(name) : gets(args, results -> {
        List<byte[]> values = new ArrayList<>(results.size());
        for (KvResult r : results) values.add(valueOf(((KvResult.GetResult) r).kv()));
        return Resp.array(values);
      });
      default -> null;
    };
  }

  private static Object set(List<byte[]> args, LongSupplier clockMillis) {
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
          long now = clockMillis.getAsLong();
          try {
            ttl = switch (option) {
              case "EX" -> Math.multiplyExact(v, 1000);
              case "PX" -> v;
              case "EXAT" -> Math.subtractExact(Math.multiplyExact(v, 1000), now);
              default -> Math.subtractExact(v, now);
            };
          } catch (ArithmeticException e) {
            return Resp.error("ERR invalid expire time in 'set' command");
          }
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

  private static Object mset(List<byte[]> args) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 1; i < args.size(); i += 2) ops.add(put(args.get(i), args.get(i + 1), KvWrite.Condition.ALWAYS, false));
    return new Plan(ops, results -> Resp.OK);
  }

  private static Object del(List<byte[]> args) {
    List<TxnOp> ops = new ArrayList<>();
    for (int i = 1; i < args.size(); i++) ops.add(new KvWrite.Delete(key(args.get(i)), false));
    return new Plan(ops, results -> Resp.integer(
        results.stream().mapToLong(r -> ((KvResult.DeleteResult) r).deleted()).sum()));
  }

  private static Object fencedSet(List<byte[]> args) {
    Long token = number(args.get(3));
    if (token == null || token <= 0) return NOT_AN_INTEGER;
    return Plan.of(new KvWrite.FencedPut(key(args.get(1)), key(args.get(2)), token), r -> Resp.OK);
  }

  private static Object delex(List<byte[]> args) {
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

  private static Object increment(byte[] key, long delta) {
    return Plan.of(new KvWrite.Increment(key(key), delta), r -> Resp.integer(((KvResult.IncrementResult) r).value()));
  }

  private static Object expire(String name, List<byte[]> args) {
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

  static final ByteString WRONG_TYPE =
      Resp.error("WRONGTYPE Operation against a key holding the wrong kind of value");

  /** A string key's value as a bulk string (nil if missing); WRONGTYPE for a hash. */
  static ByteString bulkOf(KeyValue kv) {
    return kv != null && kv.isHash() ? WRONG_TYPE : Resp.bulk(valueOf(kv));
  }

  /** A hash read: the reply from its fields (none if missing); WRONGTYPE for a string. */
  private static Object hashRead(List<byte[]> args, Function<java.util.TreeMap<Bytes, Bytes>, ByteString> reply) {
    return Plan.of(new KvQuery.Get(key(args.get(1))), r -> {
      KeyValue kv = ((KvResult.GetResult) r).kv();
      if (kv == null) return reply.apply(new java.util.TreeMap<>());
      return kv.isHash() ? reply.apply(io.raftactors.kv.HashValue.decode(kv.value())) : WRONG_TYPE;
    });
  }

  private static List<Bytes> keysFrom(List<byte[]> args, int from) {
    List<Bytes> out = new ArrayList<>(args.size() - from);
    for (int i = from; i < args.size(); i++) out.add(key(args.get(i)));
    return out;
  }

  /** TYPE's answer. */
  static ByteString typeOf(KeyValue kv) {
    return Resp.simple(kv == null ? "none" : kv.isHash() ? "hash" : "string");
  }

  /** A string key's value (null if missing or a hash: MGET's nil). */
  static byte[] valueOf(KeyValue kv) {
    return kv == null || kv.isHash() ? null : kv.value().unsafeArray();
  }

  /** STRLEN's answer. */
  static ByteString strlen(KeyValue kv) {
    return kv != null && kv.isHash() ? WRONG_TYPE : Resp.integer(kv == null ? 0 : kv.value().size());
  }
}
