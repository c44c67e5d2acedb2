package io.raftactors.kv.script;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code bit} library (LuaBitOp): 32-bit integer operations on numbers ({@code tobit},
 * {@code tohex}, {@code bnot}, {@code band}, {@code bor}, {@code bxor}, {@code lshift}, {@code
 * rshift}, {@code arshift}, {@code rol}, {@code ror}, {@code bswap}); results are signed 32-bit
 * numbers, as LuaBitOp gives them.
 */
final class LuaBit {
  private LuaBit() {}

  private interface Op {
    Varargs apply(Varargs args);
  }

  private static LuaValue fn(Op op) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        return op.apply(args);
      }
    };
  }

  /** LuaBitOp's normalisation: the number modulo 2^32, as a signed 32-bit integer. */
  static int tobit(LuaValue v) {
    double d = v.checkdouble();
    if (Double.isNaN(d) || Double.isInfinite(d)) return 0;
    return (int) (long) (Math.rint(d) % 4294967296.0); // LuaBitOp rounds to the nearest integer
  }

  private static LuaValue n(int i) {
    return LuaValue.valueOf(i);
  }

  static LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("tobit", fn(a -> n(tobit(a.arg1()))));
    t.rawset("bnot", fn(a -> n(~tobit(a.arg1()))));
    t.rawset("band", fn(a -> {
      int r = tobit(a.arg1());
      for (int i = 2; i <= a.narg(); i++) r &= tobit(a.arg(i));
      return n(r);
    }));
    t.rawset("bor", fn(a -> {
      int r = tobit(a.arg1());
      for (int i = 2; i <= a.narg(); i++) r |= tobit(a.arg(i));
      return n(r);
    }));
    t.rawset("bxor", fn(a -> {
      int r = tobit(a.arg1());
      for (int i = 2; i <= a.narg(); i++) r ^= tobit(a.arg(i));
      return n(r);
    }));
    t.rawset("lshift", fn(a -> n(tobit(a.arg1()) << (tobit(a.arg(2)) & 31))));
    t.rawset("rshift", fn(a -> n(tobit(a.arg1()) >>> (tobit(a.arg(2)) & 31))));
    t.rawset("arshift", fn(a -> n(tobit(a.arg1()) >> (tobit(a.arg(2)) & 31))));
    t.rawset("rol", fn(a -> n(Integer.rotateLeft(tobit(a.arg1()), tobit(a.arg(2)) & 31))));
    t.rawset("ror", fn(a -> n(Integer.rotateRight(tobit(a.arg1()), tobit(a.arg(2)) & 31))));
    t.rawset("bswap", fn(a -> n(Integer.reverseBytes(tobit(a.arg1())))));
    t.rawset("tohex", fn(a -> {
      int x = tobit(a.arg1());
      long digits = a.isnoneornil(2) ? 8 : tobit(a.arg(2));
      boolean upper = digits < 0;
      digits = Math.min(8, Math.abs(digits));
      String hex = String.format(upper ? "%08X" : "%08x", x);
      return LuaValue.valueOf(hex.substring(8 - (int) digits));
    }));
    return t;
  }
}
