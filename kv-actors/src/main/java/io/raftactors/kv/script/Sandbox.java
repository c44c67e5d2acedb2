package io.raftactors.kv.script;

import java.util.List;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.MathLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The world a script sees: Redis's scripting globals (the base functions, {@code string}, {@code
 * table}, {@code math}, {@code cjson}, {@code bit}, {@code KEYS}, {@code ARGV}, {@code redis}) and
 * nothing else: no {@code os},
 * {@code io}, {@code debug}, {@code package}/{@code require}, {@code load*}/{@code dofile}, {@code
 * coroutine}, {@code collectgarbage}, {@code print}, {@code string.dump}, no {@code math.random}
 * (nothing that reads a clock, draws a random number or touches the machine: a script gives the
 * same result on every replica). Creating a global or reading an unknown one is an error, as in
 * Redis. Each script gets fresh copies of the library tables, so one script cannot change what
 * the next one runs. Library functions that allocate in proportion to their arguments are charged
 * to the script's {@link Budget} before they run.
 */
final class Sandbox {
  private static final List<String> BASE = List.of("assert", "error", "getmetatable", "ipairs", "next", "pairs",
      "pcall", "rawequal", "rawget", "rawlen", "select", "tonumber", "type", "_VERSION");
  private static final List<String> STRING = List.of("len", "sub");
  private static final List<String> TABLE = List.of();
  private static final LuaTable LIB;
  /** The string functions that {@code ("x"):f()} finds, sandboxed; unreachable for writes. */
  private static final LuaTable STRING_METHODS;

  static {
    Globals lib = new Globals();
    lib.load(new BaseLib());
    lib.load(new PackageLib());
    lib.load(new TableLib());
    lib.load(new StringLib());
    lib.load(new MathLib());
    lib.debuglib = Meter.INSTANCE; // pcall and friends report their calls to it
    LIB = lib;
    STRING_METHODS = counted(stringTable());
    // Strings' metatable is global in LuaJ: point it at the sandboxed functions, and hide it.
    LuaString.s_metatable = LuaValue.tableOf(new LuaValue[] {
        LuaValue.INDEX, STRING_METHODS, LuaValue.METATABLE, LuaValue.FALSE});
  }

  private Sandbox() {}

  /** The globals of one script run: copies of the library's tables, so nothing a script changes outlives it. */
  static Globals environment(LuaTable keys, LuaTable argv, LuaTable redis) {
    Globals env = new Globals();
    env.debuglib = Meter.INSTANCE;
    copyInto(env, Library.BASE);
    env.rawset("string", copyInto(new LuaTable(), STRING_METHODS));
    env.rawset("table", copyInto(new LuaTable(), Library.TABLE));
    env.rawset("math", copyInto(new LuaTable(), Library.MATH));
    env.rawset("cjson", copyInto(new LuaTable(), Library.CJSON));
    env.rawset("bit", copyInto(new LuaTable(), Library.BIT));
    env.rawset("_G", env);
    env.rawset("KEYS", keys);
    env.rawset("ARGV", argv);
    env.rawset("redis", counted(redis));
    env.setmetatable(Library.GUARD); // shared, but hidden: getmetatable(_G) is false
    return env;
  }

  /**
   * The sandboxed library, built once (on first use, after the functions it wraps exist); its
   * functions are stateless, and scripts only ever get copies of its tables.
   */
  private static final class Library {
    static final LuaTable BASE = base();
    static final LuaTable TABLE = counted(tableTable());
    static final LuaTable MATH = counted(mathTable());
    static final LuaTable CJSON = counted(LuaJson.table());
    static final LuaTable BIT = counted(LuaBit.table());
    static final LuaTable GUARD = guard();

    private static LuaTable base() {
      LuaTable t = new LuaTable();
      for (String name : Sandbox.BASE) t.rawset(name, LIB.get(name));
      t.rawset("tostring", TOSTRING);
      t.rawset("setmetatable", SETMETATABLE);
      t.rawset("rawset", RAWSET);
      t.rawset("rawequal", Limited.rawequal(LIB.get("rawequal")));
      t.rawset("xpcall", XPCALL);
      t.rawset("unpack", UNPACK);
      return counted(t);
    }

    private static LuaTable guard() {
      LuaTable guard = new LuaTable();
      guard.rawset(LuaValue.INDEX, new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
          throw new LuaError("Script attempted to access nonexistent global variable " + describe(args.arg(2)));
        }
      });
      guard.rawset(LuaValue.NEWINDEX, new VarArgFunction() {
        @Override
        public Varargs invoke(Varargs args) {
          throw new LuaError("Script attempted to create global variable " + describe(args.arg(2)));
        }
      });
      guard.rawset(LuaValue.METATABLE, LuaValue.FALSE);
      return guard;
    }
  }

  private static LuaTable copyInto(LuaTable to, LuaTable from) {
    for (Varargs kv = from.next(LuaValue.NIL); !kv.arg1().isnil(); kv = from.next(kv.arg1())) {
      to.rawset(kv.arg1(), kv.arg(2));
    }
    return to;
  }

  private static LuaTable stringTable() {
    LuaTable original = (LuaTable) LIB.get("string");
    LuaTable t = new LuaTable();
    for (String name : STRING) t.rawset(name, original.get(name));
    t.rawset("rep", Limited.rep(original.get("rep")));
    t.rawset("format", Limited.format(original.get("format")));
    t.rawset("gsub", Limited.gsub(original.get("gsub")));
    for (String name : List.of("lower", "upper", "reverse")) t.rawset(name, Limited.copying(original.get(name)));
    t.rawset("char", Limited.chars(original.get("char")));
    for (String name : List.of("find", "match", "gmatch")) {
      t.rawset(name, Limited.pattern(original.get(name), name.equals("find")));
    }
    t.rawset("gfind", t.rawget("gmatch")); // Lua 5.1's name
    t.rawset("byte", Limited.bytes(original.get("byte")));
    return t;
  }

  /** Every function of {@code t} counted as a frame of the call depth while it runs. */
  static LuaTable counted(LuaTable t) {
    java.util.List<LuaValue> keys = new java.util.ArrayList<>();
    for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) keys.add(k);
    for (LuaValue k : keys) t.rawset(k, Limited.counted(t.rawget(k)));
    return t;
  }

  private static LuaTable tableTable() {
    LuaTable original = (LuaTable) LIB.get("table");
    LuaTable t = new LuaTable();
    for (String name : TABLE) t.rawset(name, original.get(name));
    t.rawset("concat", Limited.concat(original.get("concat")));
    t.rawset("insert", Limited.insert(original.get("insert")));
    t.rawset("remove", Limited.remove(original.get("remove")));
    t.rawset("sort", Limited.sort(original.get("sort")));
    t.rawset("unpack", UNPACK);
    t.rawset("pack", Limited.pack(original.get("pack")));
    t.rawset("getn", GETN); // Lua 5.1
    t.rawset("maxn", MAXN); // Lua 5.1
    return t;
  }

  private static LuaTable mathTable() {
    LuaTable original = (LuaTable) LIB.get("math");
    LuaTable t = new LuaTable();
    for (LuaValue k = original.next(LuaValue.NIL).arg1(); !k.isnil(); k = original.next(k).arg1()) {
      String name = k.tojstring();
      if (!name.equals("random") && !name.equals("randomseed")) t.rawset(k, original.get(k));
    }
    t.rawset("mod", original.get("fmod")); // Lua 5.1's name
    return t;
  }

  private static final LuaValue UNPACK = Limited.unpack(((LuaTable) Sandbox.libTable("table")).get("unpack"));
  private static final LuaValue TOSTRING = Limited.tostring(Sandbox.libTable("tostring"));

  /** Lua 5.1's {@code table.getn}: the length of the table's sequence. */
  private static final LuaValue GETN = new org.luaj.vm2.lib.OneArgFunction() {
    @Override
    public LuaValue call(LuaValue t) {
      return LuaValue.valueOf(t.checktable().length());
    }
  };

  /** Lua 5.1's {@code table.maxn}: the largest positive numeric key, or 0. */
  private static final LuaValue MAXN = new org.luaj.vm2.lib.OneArgFunction() {
    @Override
    public LuaValue call(LuaValue t) {
      LuaTable table = t.checktable();
      double max = 0;
      Budget b = Meter.current();
      for (LuaValue k = table.next(LuaValue.NIL).arg1(); !k.isnil(); k = table.next(k).arg1()) {
        if (b != null) b.work(1, "table.maxn");
        if (k.type() == LuaValue.TNUMBER && k.todouble() > max) max = k.todouble();
      }
      return LuaValue.valueOf(max);
    }
  };

  /** A global's name in an error: quoted if a string or number, else its type (never a JVM address). */
  static String describe(LuaValue name) {
    return name.isstring() ? "'" + name.tojstring() + "'" : "(a " + name.typename() + " value)";
  }

  /**
   * Only strings and numbers may be table keys: LuaJ orders other keys (tables, functions,
   * booleans) by JVM identity hashes, so {@code pairs} would visit them in a different order on
   * each replica.
   */
  static void checkStore(LuaValue key, LuaValue value) {
    checkKey(key);
    if (key.isstring() && key.tojstring().equals("__call") && !value.isnil() && !value.isfunction()) {
      throw new LuaError("__call must be a function"); // a chain of callable tables would recurse in Java
    }
  }

  static void checkKey(LuaValue key) {
    int t = key.type();
    if (t != LuaValue.TSTRING && t != LuaValue.TNUMBER && t != LuaValue.TNIL) {
      throw new LuaError("a " + key.typename() + " cannot be a table key in a script (only strings and numbers: "
          + "the order of other keys would differ between replicas)");
    }
  }

  /** {@code setmetatable} without weak tables: what they hold would depend on each JVM's garbage collector. */
  private static final LuaValue SETMETATABLE = new org.luaj.vm2.lib.TwoArgFunction() {
    private final LuaValue original = LIB.get("setmetatable");

    @Override
    public LuaValue call(LuaValue table, LuaValue metatable) {
      if (metatable.istable() && !metatable.rawget("__mode").isnil()) {
        throw new LuaError("weak tables (__mode) are not allowed in scripts: their contents would depend on garbage "
            + "collection, which differs between replicas");
      }
      if (metatable.istable() && !metatable.rawget("__call").isnil() && !metatable.rawget("__call").isfunction()) {
        throw new LuaError("__call must be a function"); // as in Lua 5.2; a chain of callable tables would recurse in Java
      }
      return original.call(table, metatable);
    }
  };

  private static final LuaValue RAWSET = new org.luaj.vm2.lib.ThreeArgFunction() {
    @Override
    public LuaValue call(LuaValue table, LuaValue key, LuaValue value) {
      checkStore(key, value);
      Budget b = Meter.current();
      if (b != null) b.charge(Meter.SLOT_BYTES);
      table.checktable().rawset(key, value);
      return table;
    }
  };

  /**
   * {@code xpcall(f, handler, ...)}: the handler is called with the error object when {@code f}
   * fails (LuaJ's own keeps the handler where a sandboxed script cannot reach it).
   */
  private static final LuaValue XPCALL = new VarArgFunction() {
    @Override
    public Varargs invoke(Varargs args) {
      LuaValue f = args.checkvalue(1);
      LuaValue handler = args.checkfunction(2);
      Varargs result;
      try {
        result = f.invoke(args.subargs(3));
      } catch (LuaError e) {
        LuaValue m = e.getMessageObject();
        try {
          return LuaValue.varargsOf(LuaValue.FALSE, handler.call(m != null ? m : LuaValue.valueOf(e.getMessage())));
        } catch (LuaError inHandler) {
          return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("error in error handling"));
        }
      }
      return LuaValue.varargsOf(LuaValue.TRUE, result);
    }
  };

  private static LuaValue libTable(String name) {
    return LIB.get(name);
  }
}
