package io.raftactors.kv.script;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's interpreter tells its debug library about every call, return and instruction; this one
 * meters them for the script running on the current thread (replicas in one JVM run scripts on
 * their own threads): every instruction counts toward the instruction limit, and the instructions
 * that allocate (concatenation, new tables, table stores) are charged before they run, so a
 * script over its memory limit stops before the allocation, not after it. Scripts never see the
 * {@code debug} library itself.
 */
final class Meter extends DebugLib {
  static final Meter INSTANCE = new Meter();
  private static final ThreadLocal<Budget> CURRENT = new ThreadLocal<>();
  /** Bytes counted for a table slot and for a new table. */
  static final int SLOT_BYTES = 32;
  static final int TABLE_BYTES = 64;

  private Meter() {}

  static Budget current() {
    return CURRENT.get();
  }

  static void enter(Budget b) {
    CURRENT.set(b);
  }

  static void leave() {
    CURRENT.remove();
  }

  @Override
  public void onCall(LuaFunction f) {
    Budget b = CURRENT.get();
    if (b == null) return;
    if (b.depth() >= Budget.MAX_DEPTH) throw new LuaError("stack overflow"); // before push: no onReturn follows
    b.frames.push(new Budget.Frame(null, null));
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    Budget b = CURRENT.get();
    if (b == null) return;
    if (b.depth() >= Budget.MAX_DEPTH) throw new LuaError("stack overflow");
    b.frames.push(new Budget.Frame(c, stack));
  }

  /** Error messages carry the position (user_script:LINE:) already; no Java-side traceback. */
  @Override
  public String traceback(int level) {
    return "";
  }

  @Override
  public void onReturn() {
    Budget b = CURRENT.get();
    if (b != null && !b.frames.isEmpty()) b.frames.pop();
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    Budget b = CURRENT.get();
    if (b == null) return;
    b.instruction();
    Budget.Frame f = b.frames.peek();
    if (f == null || f.closure() == null) return;
    int i = f.closure().p.code[pc];
    switch (Lua.GET_OPCODE(i)) {
      case Lua.OP_CONCAT -> {
        long n = 0;
        for (int r = Lua.GETARG_B(i); r <= Lua.GETARG_C(i); r++) n += lengthOf(f.stack()[r]);
        b.charge(n);
      }
      case Lua.OP_NEWTABLE -> b.charge(TABLE_BYTES
          + SLOT_BYTES * (fb2int(Lua.GETARG_B(i)) + fb2int(Lua.GETARG_C(i))));
      case Lua.OP_SETTABLE, Lua.OP_SETTABUP -> { // SETTABUP: a store into an upvalue's table, not only _ENV
        Sandbox.checkStore(rk(f, Lua.GETARG_B(i)), rk(f, Lua.GETARG_C(i)));
        b.charge(SLOT_BYTES);
      }
      case Lua.OP_CLOSURE -> b.charge(TABLE_BYTES);
      case Lua.OP_EQ, Lua.OP_LT, Lua.OP_LE -> {
        // Comparing strings reads them: charge by the shorter one.
        LuaValue x = rk(f, Lua.GETARG_B(i));
        LuaValue y = rk(f, Lua.GETARG_C(i));
        if (x instanceof LuaString sx && y instanceof LuaString sy) {
          b.work(Math.min(sx.length(), sy.length()) / 32.0, "comparing strings");
        }
      }
      case Lua.OP_SETLIST -> {
        int n = Lua.GETARG_B(i);
        b.charge((long) SLOT_BYTES * (n == 0 ? Math.max(0, top - Lua.GETARG_A(i) - 1) : n));
      }
      default -> { }
    }
  }

  /** Register or constant {@code x} of an instruction (Lua's RK operand). */
  private static LuaValue rk(Budget.Frame f, int x) {
    return (x & 0x100) != 0 ? f.closure().p.k[x & 0xFF] : f.stack()[x];
  }

  /** Bytes a value adds to a concatenation (a number's text at most 32). */
  static long lengthOf(LuaValue v) {
    if (v instanceof LuaString s) return s.length();
    return v != null && v.isnumber() ? 32 : 0;
  }

  /** Lua's "floating point byte" table size hint. */
  private static long fb2int(int x) {
    int e = (x >> 3) & 31;
    return e == 0 ? x : ((long) ((x & 7) + 8)) << (e - 1);
  }
}
