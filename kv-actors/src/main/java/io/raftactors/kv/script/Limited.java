package io.raftactors.kv.script;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Library functions wrapped so that what they allocate, or the work they do in Java where the
 * instruction count cannot see it, is charged to the running script's {@link Budget} before they
 * run: a script cannot build a gigabyte string with one {@code string.rep}, or spend minutes in one
 * pattern match, however few instructions it runs.
 */
final class Limited {
  private Limited() {}

  /** A function that first charges what {@code cost} says, then runs {@code original}. */
  private interface Cost {
    void charge(Budget b, Varargs args);
  }

  private static LuaValue charging(LuaValue original, Cost cost) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Budget b = Meter.current();
        if (b != null) cost.charge(b, args);
        return original.invoke(args);
      }
    };
  }

  /**
   * {@code f} as a function that counts as a frame of the script's call depth while it runs: a
   * library function can call back into the script (a metamethod, a comparator), and such
   * recursion must stop at the same depth on every replica, not when a JVM stack runs out.
   */
  static LuaValue counted(LuaValue f) {
    if (!f.isfunction()) return f;
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Budget b = Meter.current();
        if (b == null) return f.invoke(args);
        b.enterJava();
        try {
          return f.invoke(args);
        } finally {
          b.exitJava();
        }
      }
    };
  }

  static LuaValue rep(LuaValue original) {
    return charging(original, (b, args) -> {
      long n = args.checklong(2); // not checkint: 2^40 would wrap around to 0
      if (n <= 0) return;
      long s = args.checkstring(1).length();
      long sep = args.isnoneornil(3) ? 0 : args.checkstring(3).length();
      b.charge(saturated((double) s * n + (double) sep * (n - 1)));
    });
  }

  /** string.format: charged its largest output; tables and functions shown by name, never a JVM address. */
  static LuaValue format(LuaValue original) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Budget b = Meter.current();
        if (b == null) return original.invoke(args);
        double bound = args.checkstring(1).length();
        LuaValue[] named = new LuaValue[args.narg()];
        for (int i = 1; i <= args.narg(); i++) {
          LuaValue v = args.arg(i);
          boolean object = v.istable() || v.isfunction() || v.isuserdata() || v.isthread();
          named[i - 1] = object && v.metatag(LuaValue.TOSTRING).isnil() ? LuaValue.valueOf(v.typename() + ": " + b.nameOf(v)) : v;
          if (i > 1) bound += Meter.lengthOf(named[i - 1]) + 100;
        }
        b.charge(saturated(bound));
        return original.invoke(LuaValue.varargsOf(named));
      }
    };
  }

  /** table.remove moves every element after the position down. */
  static LuaValue remove(LuaValue original) {
    return charging(original, (b, args) -> {
      long n = args.checktable(1).rawlen();
      long pos = args.isnoneornil(2) ? n : args.checklong(2);
      b.work(Math.max(1, n - pos + 1), "table.remove");
    });
  }

  /**
   * table.sort: n log n comparisons (a Lua comparator is metered on its own), each reading up to
   * the longest string in the table.
   */
  static LuaValue sort(LuaValue original) {
    return charging(original, (b, args) -> {
      LuaTable t = args.checktable(1);
      double n = t.rawlen();
      b.work(n, "table.sort");
      long longest = 0;
      for (int i = 1; i <= n; i++) longest = Math.max(longest, Meter.lengthOf(t.rawget(i)));
      b.work(n * (Math.log(n + 1) / Math.log(2) + 1) * (1 + longest / 32.0), "table.sort");
    });
  }

  /** rawequal compares strings byte by byte. */
  static LuaValue rawequal(LuaValue original) {
    return charging(original, (b, args) ->
        b.work(Math.min(Meter.lengthOf(args.arg1()), Meter.lengthOf(args.arg(2))) / 32.0, "rawequal"));
  }

  static LuaValue copying(LuaValue original) {
    return charging(original, (b, args) -> b.charge(args.checkstring(1).length()));
  }

  static LuaValue chars(LuaValue original) {
    return charging(original, (b, args) -> b.charge(args.narg()));
  }

  static LuaValue bytes(LuaValue original) {
    return charging(original, (b, args) -> {
      long len = args.checkstring(1).length();
      long i = position(args.optlong(2, 1), len);
      long j = position(args.isnoneornil(3) ? i : args.checklong(3), len);
      b.charge(Meter.SLOT_BYTES * Math.max(0, Math.min(j, len) - Math.max(1, i) + 1));
    });
  }

  /** A string position as Lua reads it: negative counts from the end. */
  private static long position(long p, long len) {
    return p >= 0 ? p : Math.max(0, len + p + 1);
  }

  static LuaValue pack(LuaValue original) {
    return charging(original, (b, args) -> b.charge((long) Meter.SLOT_BYTES * (args.narg() + 1)));
  }

  /** table.insert: a slot, and with a position, moving every element after it up. */
  static LuaValue insert(LuaValue original) {
    return charging(original, (b, args) -> {
      b.charge(Meter.SLOT_BYTES);
      if (args.narg() >= 3) b.work(Math.max(1, args.checktable(1).rawlen() - args.checklong(2) + 1), "table.insert");
    });
  }

  static LuaValue unpack(LuaValue original) {
    return charging(original, (b, args) -> {
      LuaTable t = args.checktable(1);
      long i = args.optlong(2, 1);
      long j = args.isnoneornil(3) ? t.length() : args.checklong(3);
      if (j >= i) b.charge(saturated((double) Meter.SLOT_BYTES * ((double) j - i + 1)));
    });
  }

  static LuaValue concat(LuaValue original) {
    return charging(original, (b, args) -> {
      LuaTable t = args.checktable(1);
      long sep = args.isnoneornil(2) ? 0 : args.checkstring(2).length();
      long i = args.optlong(3, 1);
      long j = args.isnoneornil(4) ? t.length() : args.checklong(4);
      double total = 0;
      for (long k = i; k <= j; k++) {
        LuaValue v = t.get((int) k);
        if (!v.isstring()) break; // concat itself reports the bad element
        total += Meter.lengthOf(v) + sep;
        b.work(1, "table.concat");
        if (!b.fits(saturated(total))) break;
      }
      b.charge(saturated(total));
    });
  }

  static LuaValue gsub(LuaValue original) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        Budget b = Meter.current();
        if (b == null) return original.invoke(args);
        LuaString s = args.checkstring(1);
        LuaString p = args.checkstring(2);
        chargePattern(b, s, p, "string.gsub");
        LuaValue repl = args.arg(3);
        b.charge(s.length());
        if (repl.isstring()) {
          b.charge(saturated((double) (s.length() + 1) * repl.checkstring().length()));
          return original.invoke(args);
        }
        LuaValue counted = new VarArgFunction() {
          @Override
          public Varargs invoke(Varargs captures) {
            LuaValue v = repl.istable() ? repl.get(captures.arg1()) : repl.invoke(captures).arg1();
            b.charge(Meter.lengthOf(v));
            return v;
          }
        };
        return original.invoke(LuaValue.varargsOf(new LuaValue[] {s, p, counted}, args.subargs(4)));
      }
    };
  }

  /** find, match, gmatch: a pattern match (find's 4th argument makes it a plain search, still n × m). */
  static LuaValue pattern(LuaValue original, boolean find) {
    return charging(original, (b, args) -> {
      LuaString s = args.checkstring(1);
      LuaString p = args.checkstring(2);
      if (find && args.arg(4).toboolean()) {
        b.work((s.length() + 1.0) * (p.length() + 1.0), "a plain find on " + s.length() + " bytes");
      } else {
        chargePattern(b, s, p, "a pattern match");
      }
    });
  }

  /**
   * Charges the worst case of a Lua pattern match: each of the subject's start positions may try
   * each repetition ({@code * + - ?}) at every length, so (n + 1) to the power of one plus the
   * number of repetitions (one start position fewer for an anchored pattern), times the pattern's
   * length (each step compares up to all of it).
   */
  static void chargePattern(Budget b, LuaString s, LuaString p, String what) {
    int repetitions = 0;
    boolean anchored = p.length() > 0 && p.luaByte(0) == '^';
    for (int i = anchored ? 1 : 0; i < p.length(); i++) {
      int c = p.luaByte(i);
      if (c == '%') {
        i++;
      } else if (c == '[') {
        for (i++; i < p.length() && p.luaByte(i) != ']'; i++) {
          if (p.luaByte(i) == '%') i++;
        }
      } else if ((c == '*' || c == '+' || c == '-' || c == '?') && i > (anchored ? 1 : 0)) {
        repetitions++;
      }
    }
    double cost = Math.pow(s.length() + 1.0, repetitions + (anchored ? 0 : 1)) * (p.length() + 1.0);
    b.work(cost, what + " on " + s.length() + " bytes with " + repetitions
        + " repetitions may take up to " + (long) Math.min(cost, Long.MAX_VALUE) + " steps");
  }

  static LuaValue tostring(LuaValue original) {
    return new VarArgFunction() {
      @Override
      public Varargs invoke(Varargs args) {
        LuaValue v = args.checkvalue(1);
        Budget b = Meter.current();
        boolean named = v.istable() || v.isfunction() || v.isuserdata() || v.isthread();
        if (b == null || !named || !v.metatag(LuaValue.TOSTRING).isnil()) return original.invoke(args);
        return LuaValue.valueOf(v.typename() + ": " + b.nameOf(v));
      }
    };
  }

  private static long saturated(double n) {
    return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
  }
}
