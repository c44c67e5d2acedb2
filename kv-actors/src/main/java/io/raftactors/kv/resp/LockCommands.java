package io.raftactors.kv.resp;

import static io.raftactors.kv.resp.RespSession.NOT_AN_INTEGER;
import static io.raftactors.kv.resp.RespSession.SYNTAX;
import static io.raftactors.kv.resp.RespSession.number;
import static io.raftactors.kv.resp.RespSession.text;
import static io.raftactors.kv.resp.RespSession.wrongArity;

import akka.util.ByteString;
import io.raftactors.kv.KvException;
import io.raftactors.kv.lock.TtlLocks;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock commands (public contract, names and replies fixed): {@code LOCK name ttl-ms [WAIT ms]}
 * replies with the fencing token, or nil when not acquired within WAIT (without WAIT: not
 * waiting); {@code UNLOCK name token} and {@code RENEW name token ttl-ms} reply 1, or 0 when that
 * token no longer holds the lock. A LOCK that waits holds up the connection's later commands, as
 * Redis's blocking commands do; when the connection closes, its waiting LOCKs leave the queue.
 */
final class LockCommands {
  /** The longest a LOCK waits: a day. */
  static final long MAX_WAIT_MILLIS = 24L * 3600 * 1000;

  private final RespSession session;
  private final Set<TtlLocks.Pending> waiting = ConcurrentHashMap.newKeySet();

  LockCommands(RespSession session) {
    this.session = session;
  }

  CompletionStage<ByteString> run(String name, List<byte[]> args) {
    int n = args.size();
    return switch (name) {
      case "LOCK" -> n != 3 && n != 5 ? done(wrongArity(name)) : lock(args);
      case "UNLOCK" -> {
        Long token = n != 3 ? null : positive(args.get(2));
        yield n != 3 ? done(wrongArity(name)) : token == null ? done(NOT_AN_INTEGER)
            : reply(locks().unlock(text(args.get(1)), token).thenApply(ok -> Resp.integer(ok ? 1 : 0)));
      }
      case "RENEW" -> {
        if (n != 4) yield done(wrongArity(name));
        Long token = positive(args.get(2));
        Long ttl = positive(args.get(3));
        if (token == null) yield done(NOT_AN_INTEGER);
        if (ttl == null) yield done(Resp.error("ERR invalid expire time in 'renew' command"));
        yield reply(locks().renew(text(args.get(1)), token, ttl).thenApply(ok -> Resp.integer(ok ? 1 : 0)));
      }
      default -> done(RespSession.unknown(name, args));
    };
  }

  private CompletionStage<ByteString> lock(List<byte[]> args) {
    Long ttl = positive(args.get(2));
    if (ttl == null) return done(Resp.error("ERR invalid expire time in 'lock' command"));
    long wait = 0;
    if (args.size() == 5) {
      if (!text(args.get(3)).toUpperCase(Locale.ROOT).equals("WAIT")) return done(SYNTAX);
      Long w = number(args.get(4));
      if (w == null || w < 0 || w > MAX_WAIT_MILLIS) {
        return done(Resp.error("ERR invalid wait time in 'lock' command (0 to " + MAX_WAIT_MILLIS + " ms)"));
      }
      wait = w;
    }
    TtlLocks.Pending p = locks().lock(text(args.get(1)), ttl, wait);
    waiting.add(p);
    return reply(p.token().whenComplete((t, e) -> waiting.remove(p))
        .thenApply(token -> token == 0 ? Resp.NULL_BULK : Resp.integer(token)));
  }

  /** The connection closed: its waiting LOCKs give up. */
  void close() {
    for (TtlLocks.Pending p : waiting) p.cancel();
  }

  private TtlLocks locks() {
    return session.backend.locks();
  }

  /** The reply, or the error a failure of the store maps to (TRYAGAIN, TIMEOUT, ERR). */
  static CompletionStage<ByteString> reply(CompletionStage<ByteString> result) {
    return result.exceptionally(e -> {
      Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (t instanceof KvException.NotApplied na) return Resp.error("TRYAGAIN " + na.getMessage());
      if (t instanceof KvException.OutcomeUnknown u) return Resp.error("TIMEOUT " + u.getMessage());
      if (t instanceof KvException.Refused r) return RespSession.refused(r.failure());
      return Resp.error("ERR " + t.getMessage());
    });
  }

  private static Long positive(byte[] b) {
    Long v = number(b);
    return v == null || v <= 0 ? null : v;
  }

  private static CompletionStage<ByteString> done(ByteString b) {
    return CompletableFuture.completedFuture(b);
  }
}
