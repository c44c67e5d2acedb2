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

  // ---- writes ----------------------------------------------------------------------------

  /**
   * The command as a {@link Plan}, or the error reply when it cannot be one (wrong arguments, or a
   * command that cannot run inside a transaction).
   */
  Object plan(String name, List<byte[]> args) {
    Object plan = CommandPlans.plan(name, args, System::currentTimeMillis);
    return plan != null ? plan : Resp.error("ERR command '" + name.toLowerCase(Locale.ROOT)
        + "' is not supported inside MULTI; use it outside a transaction");
  }

  // ---- reads ------------------------------------------------------------------------------

  /** Runs a read command at the connection's consistency, never through the log. */
  CompletionStage<ByteString> read(String name, List<byte[]> args) {
    int n = args.size();
    return switch (name) {
      case "GET" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))), r -> CommandPlans.bulkOf(((KvResult.GetResult) r).kv()));
      case "STRLEN" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))), r -> CommandPlans.strlen(((KvResult.GetResult) r).kv()));
      case "TYPE" -> n != 2 ? done(wrongArity(name))
          : query(new KvQuery.Get(key(args.get(1))),
              r -> CommandPlans.typeOf(((KvResult.GetResult) r).kv()));
      case "MGET" -> n < 2 ? done(wrongArity(name)) : query(new KvQuery.GetMany(keys(args)), r -> {
        List<byte[]> values = new ArrayList<>();
        for (KeyValue kv : ((KvResult.GetManyResult) r).kvs()) values.add(CommandPlans.valueOf(kv));
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
      default -> planned(name, args);
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

  /** A read that {@link CommandPlans} knows (the hash reads): its one query, at the connection's consistency. */
  private CompletionStage<ByteString> planned(String name, List<byte[]> args) {
    Object plan = CommandPlans.plan(name, args, System::currentTimeMillis);
    if (plan instanceof ByteString error) return done(error);
    if (!(plan instanceof Plan p) || p.ops().size() != 1 || !(p.ops().get(0) instanceof KvQuery q)) {
      return done(RespSession.unknown(name, args));
    }
    return query(q, r -> p.reply().apply(List.of(r)));
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
}
