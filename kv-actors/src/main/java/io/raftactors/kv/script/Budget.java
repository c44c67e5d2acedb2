package io.raftactors.kv.script;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaValue;

/**
 * The accounting of one script run: instructions executed, bytes allocated (as {@link Meter}
 * counts them), and the Lua call stack (to see the registers of the instruction about to run, and
 * to bound recursion).
 */
final class Budget {
  /** Lua calls nested deeper than this fail with a (catchable) stack overflow, as in Redis's Lua. */
  static final int MAX_DEPTH = 200;

  /** A Lua function's frame (its registers), or null for a Java function's. */
  record Frame(LuaClosure closure, LuaValue[] stack) {}

  private final ScriptLimits limits;
  final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private long instructions;
  /** Library (Java) functions of the script running now, nested. */
  private int javaDepth;
  private long bytes;
  private final Map<LuaValue, Integer> names = new IdentityHashMap<>();

  Budget(ScriptLimits limits) {
    this.limits = limits;
  }

  /** The script's call depth: Lua frames and library functions. */
  int depth() {
    return frames.size() + javaDepth;
  }

  void enterJava() {
    if (depth() >= MAX_DEPTH) throw new org.luaj.vm2.LuaError("stack overflow");
    javaDepth++;
  }

  void exitJava() {
    javaDepth--;
  }

  void instruction() {
    if (++instructions > limits.maxInstructions()) {
      throw new ScriptAbort("ERR script exceeded its limit of " + limits.maxInstructions()
          + " instructions (kv.script.max-instructions)");
    }
  }

  /**
   * Counts {@code n} instructions' worth of work done inside a library function ({@code what}
   * says which), before it runs.
   */
  void work(double n, String what) {
    if (instructions + n > limits.maxInstructions()) {
      throw new ScriptAbort("ERR script exceeded its limit of " + limits.maxInstructions()
          + " instructions (kv.script.max-instructions): " + what);
    }
    instructions += (long) n;
  }

  /** Counts {@code n} more bytes allocated; aborts the script past its limit, before they are. */
  void charge(long n) {
    bytes += Math.max(0, n);
    if (bytes > limits.maxMemoryBytes()) {
      throw new ScriptAbort("ERR script exceeded its limit of " + limits.maxMemoryBytes()
          + " bytes allocated (kv.script.max-memory)");
    }
  }

  /** Whether {@code n} more bytes fit. */
  boolean fits(long n) {
    return n >= 0 && bytes + n <= limits.maxMemoryBytes();
  }

  long instructions() {
    return instructions;
  }

  long bytes() {
    return bytes;
  }

  /**
   * A name for a table or function in {@code tostring}: numbered in the order the script first
   * printed them, the same on every replica (not the JVM's identity hash).
   */
  int nameOf(LuaValue v) {
    return names.computeIfAbsent(v, x -> names.size() + 1);
  }
}
