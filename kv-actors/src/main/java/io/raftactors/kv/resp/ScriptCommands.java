package io.raftactors.kv.resp;

import static io.raftactors.kv.resp.RespSession.NOT_AN_INTEGER;
import static io.raftactors.kv.resp.RespSession.key;
import static io.raftactors.kv.resp.RespSession.number;
import static io.raftactors.kv.resp.RespSession.text;
import static io.raftactors.kv.resp.RespSession.wrongArity;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.script.ScriptLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * EVAL, EVALSHA and SCRIPT LOAD/EXISTS/FLUSH/KILL. A script is one replicated command: it runs in
 * the state machine on every replica, atomically, with the limits of {@code kv.script} of the node
 * that took it. The reply is the script's, as the state machine encoded it.
 */
final class ScriptCommands {
  private final RespSession session;

  ScriptCommands(RespSession session) {
    this.session = session;
  }

  CompletionStage<ByteString> run(String name, List<byte[]> args) {
    return switch (name) {
      case "EVAL", "EVAL_RO" -> eval(name, args, false, name.endsWith("_RO"));
      case "EVALSHA", "EVALSHA_RO" -> eval(name, args, true, name.endsWith("_RO"));
      default -> script(args);
    };
  }

  private CompletionStage<ByteString> eval(String name, List<byte[]> args, boolean bySha, boolean readOnly) {
    if (args.size() < 3) return done(wrongArity(name));
    Long numKeys = number(args.get(2));
    if (numKeys == null) return done(NOT_AN_INTEGER);
    if (numKeys < 0) return done(Resp.error("ERR Number of keys can't be negative"));
    if (numKeys > args.size() - 3) return done(Resp.error("ERR Number of keys can't be greater than number of args"));
    List<Bytes> keys = new ArrayList<>();
    List<Bytes> argv = new ArrayList<>();
    for (int i = 3; i < args.size(); i++) (i - 3 < numKeys ? keys : argv).add(key(args.get(i)));
    String sha = bySha ? text(args.get(1)).toLowerCase(Locale.ROOT) : "";
    if (bySha && !sha.matches("[0-9a-f]{40}")) return done(Resp.error("NOSCRIPT No matching script. Please use EVAL."));
    ScriptLimits limits = session.backend.scriptLimits();
    KvWrite.Eval eval = new KvWrite.Eval(bySha ? Bytes.EMPTY : key(args.get(1)), sha, bySha, keys, argv,
        limits.maxInstructions(), limits.maxMemoryBytes(), readOnly);
    return write(eval, r -> ByteString.fromArray(((KvResult.EvalResult) r).reply()));
  }

  private CompletionStage<ByteString> script(List<byte[]> args) {
    if (args.size() < 2) return done(wrongArity("script"));
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    return switch (sub) {
      case "LOAD" -> args.size() != 3 ? done(wrongArity("script|load"))
          : write(new KvWrite.ScriptLoad(key(args.get(2))), r -> Resp.bulk(((KvResult.ScriptResult) r).sha()));
      case "EXISTS" -> {
        if (args.size() < 3) yield done(wrongArity("script|exists"));
        List<String> shas = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) shas.add(text(args.get(i)).toLowerCase(Locale.ROOT));
        yield session.backend.query(new KvQuery.ScriptExists(shas), session.consistency).thenApply(response -> {
          if (!(response instanceof KvResponse.Done d)) return RespSession.notDone(response);
          List<ByteString> out = new ArrayList<>();
          for (boolean b : ((KvResult.ScriptExistsResult) d.decoded()).exists()) out.add(Resp.integer(b ? 1 : 0));
          return Resp.arrayOf(out);
        });
      }
      case "FLUSH" -> args.size() > 3 ? done(wrongArity("script|flush"))
          : write(new KvWrite.ScriptFlush(), r -> Resp.OK);
      case "KILL" -> done(Resp.error("NOTBUSY No scripts in execution right now."));
      default -> done(Resp.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try SCRIPT HELP."));
    };
  }

  private CompletionStage<ByteString> write(KvWrite w, java.util.function.Function<KvResult, ByteString> reply) {
    return session.backend.write(w).thenApply(response -> {
      if (!(response instanceof KvResponse.Done d)) return RespSession.notDone(response);
      KvResult r = d.decoded();
      return r instanceof KvResult.Failure f ? RespSession.refused(f) : reply.apply(r);
    });
  }

  private static CompletionStage<ByteString> done(ByteString b) {
    return CompletableFuture.completedFuture(b);
  }
}
