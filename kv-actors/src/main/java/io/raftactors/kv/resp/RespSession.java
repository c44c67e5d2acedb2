package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One RESP connection: authentication, the connection's read consistency, MULTI/WATCH state, and
 * the order of its commands. Commands of a connection are answered in order; consecutive writes
 * are proposed without waiting for each other (pipelining: the leader appends them together), a
 * read waits for the writes before it and a write for the reads before it, so a connection sees
 * its commands take effect in the order it sent them, as Redis runs them.
 *
 * <p>{@link #handle} is called by one thread at a time, in order (the connection's stream).
 */
public final class RespSession {
  private static final AtomicLong IDS = new AtomicLong();
  private static final Set<String> BEFORE_AUTH = Set.of("AUTH", "HELLO", "PING", "QUIT", "RESET");
  private static final Set<String> LOCKS = Set.of("LOCK", "UNLOCK", "RENEW");

  /** A reply, and whether to close the connection after it (QUIT, protocol errors). */
  public record Reply(ByteString bytes, boolean close) {
    static Reply of(ByteString b) {
      return new Reply(b, false);
    }
  }

  private enum Kind {
    /** Answered from the connection's own state: no waiting. */
    LOCAL,
    READ,
    WRITE,
    /** Depends on everything before it (WATCH, EXEC). */
    BARRIER
  }

  final RespBackend backend;
  final RespSettings settings;
  final RespMetrics metrics;
  final long clientId = IDS.incrementAndGet();
  private final StringCommands strings;
  private final Transactions transactions;
  private final ServerCommands server;
  private final LockCommands locks;
  private final ScriptCommands scripts;
  private final AdminCommands admin;
  private boolean authenticated;
  ReadConsistency consistency = ReadConsistency.LINEARIZABLE;
  String clientName;

  /** Completes when every write (and barrier) so far has been answered. */
  private CompletableFuture<Void> writesSettled = CompletableFuture.completedFuture(null);
  /** Completes when every read so far has been answered. */
  private CompletableFuture<Void> readsSettled = CompletableFuture.completedFuture(null);
  /** Completes when the previous write has been sent (writes go out in order, without waiting for answers). */
  private CompletableFuture<Void> lastDispatch = CompletableFuture.completedFuture(null);
  /** Consecutive writes not yet proposed. */
  private final WriteBatch batch;

  public RespSession(RespBackend backend, RespSettings settings) {
    this.backend = backend;
    this.settings = settings;
    this.metrics = new RespMetrics(backend.metrics());
    this.authenticated = settings.password().isEmpty();
    this.strings = new StringCommands(this);
    this.transactions = new Transactions(this, strings);
    this.server = new ServerCommands(this);
    this.locks = new LockCommands(this);
    this.scripts = new ScriptCommands(this);
    this.admin = new AdminCommands(this);
    this.batch = new WriteBatch(settings.pipelineDepth());
  }

  /**
   * The reply to one command (its arguments, the name first). Consecutive writes are held back to
   * go out together: call {@link #flush} once the commands that arrived together were handled.
   */
  public CompletionStage<Reply> handle(List<byte[]> args) {
    String name = new String(args.get(0), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    Kind kind = kindOf(name);
    metrics.command(name, kind != null || name.equals("QUIT")); // every command, counted here only
    boolean batched = kind == Kind.WRITE && authenticated && !transactions.queueing();
    if (!batched) flush();
    if (!authenticated && !BEFORE_AUTH.contains(name)) {
      return done(Resp.error("NOAUTH Authentication required."));
    }
    if (transactions.queueing() && !Transactions.CONTROL.contains(name)) {
      return done(transactions.queue(name, args));
    }
    if (name.equals("QUIT")) return CompletableFuture.completedFuture(new Reply(Resp.OK, true));
    if (kind == null) return done(unknown(name, args));
    return switch (kind) {
      case LOCAL -> done(local(name, args));
      case READ -> read(() -> strings.read(name, args));
      case WRITE -> write(name, args);
      case BARRIER -> barrier(() -> Transactions.CONTROL.contains(name) ? transactions.barrier(name, args)
          : LOCKS.contains(name) ? locks.run(name, args)
          : AdminCommands.NAMES.contains(name) ? admin.run(name, args) : scripts.run(name, args));
    };
  }

  /** The connection closed: what it still waits for is abandoned. */
  public void close() {
    locks.close();
  }

  /** A read waits for the writes before it, so the connection reads its own writes. */
  private CompletionStage<Reply> read(Supplier<CompletionStage<ByteString>> command) {
    CompletableFuture<ByteString> reply = writesSettled.thenCompose(x -> command.get());
    readsSettled = readsSettled.thenCombine(settled(reply), (a, b) -> null);
    return replyOf(reply);
  }

  /** A write joins the batch of writes that will be proposed together. */
  private CompletionStage<Reply> write(String name, List<byte[]> args) {
    Object plan = strings.plan(name, args);
    if (plan instanceof ByteString error) return done(error);
    KvWrite write = WriteBatch.writeOf((Plan) plan);
    if (!batch.fits(write)) flush();
    CompletableFuture<ByteString> reply = batch.add((Plan) plan, write);
    if (batch.full()) flush();
    return replyOf(reply);
  }

  /**
   * Proposes the writes held back. They wait for the reads before them (which must not see them)
   * and for the previous writes to be sent, not answered: consecutive writes are pipelined.
   */
  public void flush() {
    if (batch.isEmpty()) return;
    WriteBatch.Unit unit = batch.take();
    CompletableFuture<Void> sent = new CompletableFuture<>();
    CompletableFuture<Void> answered = readsSettled.thenCombine(lastDispatch, (a, b) -> null)
        .thenCompose(x -> {
          try {
            return unit.dispatch(backend);
          } finally {
            sent.complete(null);
          }
        });
    lastDispatch = sent;
    writesSettled = writesSettled.thenCombine(answered.handle((r, e) -> null), (a, b) -> null);
  }

  /** WATCH and EXEC see everything before them take effect, and everything after waits for them. */
  private CompletionStage<Reply> barrier(Supplier<CompletionStage<ByteString>> command) {
    CompletableFuture<ByteString> reply =
        readsSettled.thenCombine(writesSettled, (a, b) -> null).thenCompose(x -> command.get());
    CompletableFuture<Void> settled = settled(reply);
    readsSettled = settled;
    writesSettled = settled;
    lastDispatch = settled;
    return replyOf(reply);
  }

  private static CompletableFuture<Void> settled(CompletableFuture<ByteString> reply) {
    return reply.handle((r, e) -> null);
  }

  private static CompletionStage<Reply> replyOf(CompletableFuture<ByteString> reply) {
    return reply.handle((r, e) -> Reply.of(e == null ? r : Resp.error("ERR internal error: " + e)));
  }

  private static Kind kindOf(String name) {
    return switch (name) {
      case "PING", "ECHO", "SELECT", "COMMAND", "CONFIG", "CLIENT", "HELLO", "AUTH", "READCONSISTENCY", "PUBLISH",
          "MULTI", "DISCARD", "RESET" -> Kind.LOCAL;
      case "GET", "MGET", "EXISTS", "STRLEN", "TTL", "PTTL", "KEYS", "SCAN", "DBSIZE", "TYPE", "INFO", "HGET", "HMGET",
          "HGETALL", "HEXISTS", "HLEN", "HKEYS", "HVALS", "HSTRLEN" -> Kind.READ;
      case "SET", "SETNX", "GETSET", "MSET", "DEL", "UNLINK", "INCR", "DECR", "INCRBY", "DECRBY", "APPEND",
          "EXPIRE", "PEXPIRE", "PERSIST", "FLUSHALL", "FLUSHDB", "FENCEDSET", "DELIFEQ", "DELEX", "HSET", "HMSET",
          "HSETNX", "HDEL", "HINCRBY" -> Kind.WRITE;
      case "WATCH", "UNWATCH", "EXEC", "LOCK", "UNLOCK", "RENEW", "EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO",
          "SCRIPT", "RAFT.ADDLEARNER", "RAFT.PROMOTE", "RAFT.REMOVE", "RAFT.TRANSFER" -> Kind.BARRIER;
      default -> null;
    };
  }

  private ByteString local(String name, List<byte[]> args) {
    return switch (name) {
      case "AUTH" -> auth(args);
      case "HELLO" -> hello(args);
      case "MULTI", "DISCARD" -> transactions.control(name, args);
      case "RESET" -> {
        transactions.reset();
        consistency = ReadConsistency.LINEARIZABLE;
        authenticated = settings.password().isEmpty();
        yield Resp.simple("RESET");
      }
      default -> server.local(name, args);
    };
  }

  private ByteString auth(List<byte[]> args) {
    if (args.size() < 2 || args.size() > 3) return wrongArity("auth");
    if (settings.password().isEmpty()) {
      return Resp.error("ERR AUTH <password> called without any password configured for the default user. "
          + "Are you sure your configuration is correct?");
    }
    String user = args.size() == 3 ? text(args.get(1)) : "default";
    String password = text(args.get(args.size() - 1));
    if (user.equals("default") && settings.passwordMatches(password)) {
      authenticated = true;
      return Resp.OK;
    }
    return Resp.error("WRONGPASS invalid username-password pair or user is disabled.");
  }

  private ByteString hello(List<byte[]> args) {
    int i = 1;
    if (args.size() > 1) {
      String version = text(args.get(1));
      if (!version.equals("2")) {
        return Resp.error(version.matches("\\d+") ? "NOPROTO unsupported protocol version"
            : "ERR Protocol version is not an integer or out of range");
      }
      i = 2;
    }
    while (i < args.size()) {
      String option = text(args.get(i)).toUpperCase(Locale.ROOT);
      if (option.equals("AUTH") && i + 2 < args.size()) {
        ByteString r = auth(List.of("AUTH".getBytes(), args.get(i + 1), args.get(i + 2)));
        if (!r.equals(Resp.OK)) return r;
        i += 3;
      } else if (option.equals("SETNAME") && i + 1 < args.size()) {
        clientName = text(args.get(i + 1));
        i += 2;
      } else {
        return Resp.error("ERR Syntax error in HELLO option '" + option + "'");
      }
    }
    if (!authenticated) return Resp.error("NOAUTH HELLO must be called with the client already authenticated, "
        + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and "
        + "select the RESP protocol version at the same time");
    return Resp.arrayOf(List.of(
        Resp.bulk("server"), Resp.bulk("redis"),
        Resp.bulk("version"), Resp.bulk(ServerCommands.REDIS_VERSION),
        Resp.bulk("proto"), Resp.integer(2),
        Resp.bulk("id"), Resp.integer(clientId),
        Resp.bulk("mode"), Resp.bulk("standalone"),
        Resp.bulk("role"), Resp.bulk("master"),
        Resp.bulk("modules"), Resp.EMPTY_ARRAY));
  }

  // ---- shared helpers ---------------------------------------------------------------------

  static CompletionStage<Reply> done(ByteString b) {
    return CompletableFuture.completedFuture(Reply.of(b));
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static Bytes key(byte[] b) {
    return Bytes.wrap(b);
  }

  static ByteString wrongArity(String command) {
    return Resp.error("ERR wrong number of arguments for '" + command.toLowerCase(Locale.ROOT) + "' command");
  }

  static ByteString unknown(String name, List<byte[]> args) {
    StringBuilder sb = new StringBuilder("ERR unknown command '").append(text(args.get(0)))
        .append("', with args beginning with: ");
    for (int i = 1; i < args.size() && i < 10; i++) sb.append('\'').append(text(args.get(i))).append("' ");
    return Resp.error(sb.toString());
  }

  /**
   * The error for an answer that is not a result: TRYAGAIN when the command certainly did not take
   * effect, TIMEOUT when it may have (public contract: clients act on these prefixes).
   */
  static ByteString notDone(KvResponse response) {
    if (response instanceof KvResponse.NotApplied n) {
      String detail = n.reason() + (n.message() == null ? "" : ": " + n.message());
      // Too large will not get better by trying again; everything else might.
      return Resp.error((n.reason().equals("TOO_LARGE") ? "ERR " : "TRYAGAIN ") + detail);
    }
    if (response instanceof KvResponse.Unknown u) return Resp.error("TIMEOUT " + u.message());
    throw new IllegalArgumentException("a result, not a failure: " + response);
  }

  /** Redis's texts for what the store refused. */
  static ByteString refused(KvResult.Failure f) {
    return switch (f.code()) {
      case NOT_INTEGER -> Resp.error("ERR value is not an integer or out of range");
      case OVERFLOW -> Resp.error("ERR increment or decrement would overflow");
      case FENCED -> Resp.error("FENCED " + f.message());
      case WRONG_TYPE -> CommandPlans.WRONG_TYPE;
      default -> Resp.error("ERR " + f.message());
    };
  }

  /** The number arguments parse to, or null for Redis's "not an integer" error. */
  static Long number(byte[] b) {
    try {
      return Long.parseLong(text(b));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static final ByteString NOT_AN_INTEGER = Resp.error("ERR value is not an integer or out of range");
  static final ByteString SYNTAX = Resp.error("ERR syntax error");

  static List<byte[]> tail(List<byte[]> args, int from) {
    return new ArrayList<>(args.subList(from, args.size()));
  }
}
