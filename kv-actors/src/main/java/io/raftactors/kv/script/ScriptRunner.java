package io.raftactors.kv.script;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Runs Redis scripts (EVAL) on LuaJ, in the {@link Sandbox}, metered by a {@link Budget}: the
 * script's {@code redis.call} runs commands on the store through {@link Commands}, on the
 * applier's thread, with nothing else in between. Compiled scripts are cached by SHA-1 (compiling
 * is a pure function of the text, so the cache cannot make replicas differ).
 */
public final class ScriptRunner {
  /** What {@code redis.call} runs a command on. */
  public interface Commands {
    /** Runs the command (its name upper-cased): its reply (an error reply included) and cost. */
    Result call(String name, List<byte[]> args);
  }

  /**
   * A command's reply, and the bytes of stored values it read and wrote (charged to the script:
   * the work of reading and rewriting values, and the memory of what it wrote).
   */
  public record Result(ByteString reply, long bytesRead, long bytesWritten) {
    public static Result of(ByteString reply) {
      return new Result(reply, 0, 0);
    }
  }

  /** A script's reply, and whether it failed (then the store must be left as it was before it). */
  public record Outcome(ByteString reply, boolean failed) {}

  /**
   * Scripts run on threads of their own with a large stack (the caller waits): every recursion a
   * script can cause is bounded by its limits well below it, so a stack overflow, which would
   * depend on the JVM, its JIT and the thread, does not happen.
   */
  private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(
      r -> {
        Thread t = new Thread(null, r, "kv-script", 1L << 30);
        t.setDaemon(true);
        return t;
      });

  private static final int CACHED_SCRIPTS = 1024;
  private static final Map<String, Prototype> COMPILED = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Prototype> eldest) {
      return size() > CACHED_SCRIPTS;
    }
  };

  private ScriptRunner() {}

  /** The SHA-1 of a script's text in lower-case hex: its name for EVALSHA. */
  public static String sha1(Bytes script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.unsafeArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-1 in this JVM", e);
    }
  }

  /**
   * Runs {@code script} with KEYS and ARGV, on a script thread, and waits for it; never throws for
   * anything the script does (an {@link Error} of the JVM, such as running out of memory, is
   * thrown on).
   */
  public static Outcome run(Bytes script, String sha, List<Bytes> keys, List<Bytes> args, ScriptLimits limits,
      Commands commands) {
    java.util.concurrent.Future<Outcome> f = THREADS.submit(() -> runHere(script, sha, keys, args, limits, commands));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true; // the state machine must finish what it applies
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) throw err;
          throw new IllegalStateException("script runner failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  private static Outcome runHere(Bytes script, String sha, List<Bytes> keys, List<Bytes> args, ScriptLimits limits,
      Commands commands) {
    Budget budget = new Budget(limits);
    Meter.enter(budget);
    try {
      Prototype compiled;
      try {
        compiled = compile(script, sha);
      } catch (LuaError | IOException e) {
        return new Outcome(error("ERR Error compiling script (new function): " + e.getMessage()), true);
      }
      for (Bytes b : keys) budget.charge(b.size());
      for (Bytes b : args) budget.charge(b.size());
      Globals env = Sandbox.environment(array(keys), array(args), redis(commands, budget));
      Varargs result = new LuaClosure(compiled, env).invoke();
      return new Outcome(LuaReplies.toResp(result.arg1(), budget), false);
    } catch (ScriptAbort e) {
      return new Outcome(error(e.getMessage() + " script: " + sha), true);
    } catch (LuaError e) {
      LuaValue m = e.getMessageObject();
      if (m != null && m.istable() && m.rawget("err").isstring()) {
        return new Outcome(error(m.rawget("err").tojstring() + " script: " + sha), true);
      }
      // An error object that is not a string or number: its type, never its JVM address.
      String text = m == null || m.isstring() ? e.getMessage() : "(error object is a " + m.typename() + " value)";
      return new Outcome(error("ERR " + text + " script: " + sha), true);
    } catch (StackOverflowError e) {
      return new Outcome(error("ERR script overflowed the stack script: " + sha), true);
    } catch (RuntimeException e) {
      return new Outcome(error("ERR script failed: " + e + " script: " + sha), true);
    } finally {
      Meter.leave();
    }
  }

  private static Prototype compile(Bytes script, String sha) throws IOException {
    synchronized (COMPILED) {
      Prototype p = COMPILED.get(sha);
      if (p != null) return p;
    }
    if (script.size() > 0 && script.unsafeArray()[0] == 0x1B) throw new LuaError("binary chunks are not allowed");
    Prototype p = LuaC.instance.compile(new ByteArrayInputStream(script.unsafeArray()), "@user_script");
    synchronized (COMPILED) {
      COMPILED.put(sha, p);
    }
    return p;
  }

  private static LuaTable array(List<Bytes> items) {
    LuaTable t = new LuaTable(items.size(), 0);
    for (int i = 0; i < items.size(); i++) t.rawset(i + 1, LuaString.valueOf(items.get(i).unsafeArray()));
    return t;
  }

  private static ByteString error(String message) {
    return ByteString.fromString("-" + LuaReplies.oneLine(message) + "\r\n", StandardCharsets.UTF_8);
  }

  /** The {@code redis} table: call, pcall, error_reply, status_reply, sha1hex, log and the rest. */
  private static LuaTable redis(Commands commands, Budget budget) {
    LuaTable r = new LuaTable();
    r.rawset("call", new Call(commands, budget, false));
    r.rawset("pcall", new Call(commands, budget, true));
    r.rawset("error_reply", field("err"));
    r.rawset("status_reply", field("ok"));
    r.rawset("sha1hex", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue s) {
        LuaString text = s.checkstring();
        budget.work(1 + text.length() / 64.0, "redis.sha1hex");
        byte[] bytes = new byte[text.length()];
        text.copyInto(0, bytes, 0, bytes.length);
        return LuaValue.valueOf(sha1(Bytes.wrap(bytes)));
      }
    });
    r.rawset("log", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.NONE; // nothing leaves the state machine (it would be logged once per replica)
      }
    });
    r.rawset("setresp", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue v) {
        if (v.checkint() != 2) throw new LuaError("RESP version must be 2 (RESP3 is not supported)");
        return LuaValue.NONE;
      }
    });
    r.rawset("replicate_commands", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.TRUE;
      }
    });
    r.rawset("set_repl", new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return LuaValue.NONE;
      }
    });
    String[] levels = {"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"};
    for (int i = 0; i < levels.length; i++) r.rawset(levels[i], i);
    String[] repl = {"REPL_NONE", "REPL_AOF", "REPL_SLAVE", "REPL_REPLICA", "REPL_ALL"};
    int[] replValues = {0, 1, 2, 2, 3};
    for (int i = 0; i < repl.length; i++) r.rawset(repl[i], replValues[i]);
    return r;
  }

  private static LuaValue field(String field) {
    return new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue message) {
        LuaTable t = new LuaTable();
        t.rawset(field, message.checkstring());
        return t;
      }
    };
  }

  /** redis.call raises a command's error; redis.pcall returns it as {@code {err=...}}. */
  private static final class Call extends VarArgFunction {
    private final Commands commands;
    private final Budget budget;
    private final boolean protectedCall;

    Call(Commands commands, Budget budget, boolean protectedCall) {
      this.commands = commands;
      this.budget = budget;
      this.protectedCall = protectedCall;
    }

    @Override
    public Varargs invoke(Varargs args) {
      if (args.narg() == 0) throw new LuaError("Please specify at least one argument for this redis lib call");
      List<byte[]> command = new ArrayList<>(args.narg());
      long argBytes = 0;
      for (int i = 1; i <= args.narg(); i++) {
        LuaValue a = args.arg(i);
        if (a.type() != LuaValue.TSTRING && a.type() != LuaValue.TNUMBER) {
          throw new LuaError("Lua redis lib command arguments must be strings or integers");
        }
        LuaString s = a.checkstring();
        budget.charge(s.length());
        argBytes += s.length();
        byte[] bytes = new byte[s.length()];
        s.copyInto(0, bytes, 0, bytes.length);
        command.add(bytes);
      }
      budget.work(1 + argBytes / 64.0, "redis.call");
      String name = new String(command.get(0), StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
      Result result = commands.call(name, command);
      // What the command wrote stays in the store (and in its watch events): it counts as allocated.
      budget.charge(result.bytesWritten());
      budget.work((result.bytesRead() + result.bytesWritten()) / 64.0, "redis.call");
      LuaValue reply = LuaReplies.toLua(result.reply(), budget);
      if (!protectedCall && reply.istable() && reply.rawget("err").isstring()) throw new LuaError(reply);
      return reply;
    }
  }
}
