package io.raftactors.kv.script;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * Redis's {@code cjson} library: {@code cjson.encode(value)} and {@code cjson.decode(text)}, with
 * {@code cjson.null} for JSON's null. A table whose keys are exactly 1..n encodes as an array,
 * any other as an object (number keys become strings; the empty table is {@code {}}); nesting is
 * limited to 1000 levels. Output and decoded values are charged to the script's budget.
 */
final class LuaJson {
  static final LuaValue NULL = new LuaUserdata("cjson.null");
  private static final int MAX_DEPTH = 1000;

  private LuaJson() {}

  static LuaTable table() {
    LuaTable t = new LuaTable();
    t.rawset("encode", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue v) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        encode(v, out, 0, Meter.current());
        return LuaValue.valueOf(out.toByteArray());
      }
    });
    t.rawset("decode", new OneArgFunction() {
      @Override
      public LuaValue call(LuaValue text) {
        LuaString s = text.checkstring();
        byte[] b = new byte[s.length()];
        s.copyInto(0, b, 0, b.length);
        Budget budget = Meter.current();
        if (budget != null) budget.charge((long) b.length * 2);
        Decoder d = new Decoder(new String(b, StandardCharsets.UTF_8), budget);
        LuaValue v = d.value(0);
        d.skipSpace();
        if (d.at < d.text.length()) throw d.error("unexpected trailing characters");
        return v;
      }
    });
    t.rawset("null", NULL);
    return t;
  }

  private static void encode(LuaValue v, java.io.ByteArrayOutputStream out, int depth, Budget budget) {
    if (budget != null) {
      budget.work(1, "cjson.encode");
      budget.charge(24); // the most a number, literal or punctuation adds; strings are charged in quote
    }
    if (depth > MAX_DEPTH) throw new LuaError("Cannot serialise, excessive nesting (" + MAX_DEPTH + ")");
    if (v.isnil() || v == NULL) {
      ascii(out, "null");
    } else if (v.isboolean()) {
      ascii(out, Boolean.toString(v.toboolean()));
    } else if (v.type() == LuaValue.TNUMBER) {
      double d = v.todouble();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw new LuaError("Cannot serialise number: must not be NaN or Inf");
      ascii(out, d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : formatDouble(d));
    } else if (v.type() == LuaValue.TSTRING) {
      quote(v.checkstring(), out, budget);
    } else if (v.istable()) {
      LuaTable t = (LuaTable) v;
      int n = t.length();
      int count = 0;
      for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) count++;
      if (n > 0 && count == n) {
        out.write('[');
        for (int i = 1; i <= n; i++) {
          if (i > 1) out.write(',');
          encode(t.rawget(i), out, depth + 1, budget);
        }
        out.write(']');
      } else {
        out.write('{');
        boolean first = true;
        for (Varargs kv = t.next(LuaValue.NIL); !kv.arg1().isnil(); kv = t.next(kv.arg1())) {
          LuaValue k = kv.arg1();
          if (k.type() != LuaValue.TSTRING && k.type() != LuaValue.TNUMBER) {
            throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
          }
          if (!first) out.write(',');
          first = false;
          quote(k.type() == LuaValue.TSTRING ? k.checkstring() : LuaValue.valueOf(k.tojstring()), out, budget);
          out.write(':');
          encode(kv.arg(2), out, depth + 1, budget);
        }
        out.write('}');
      }
    } else {
      throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
    }
  }

  private static String formatDouble(double d) {
    String s = String.format(java.util.Locale.ROOT, "%.14g", d);
    if (s.contains("e") || s.contains("E")) {
      String[] parts = s.split("[eE]");
      return trimZeros(parts[0]) + "e" + Integer.parseInt(parts[1]);
    }
    return trimZeros(s);
  }

  private static String trimZeros(String s) {
    if (!s.contains(".")) return s;
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static void ascii(java.io.ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** A JSON string of the bytes as they are (UTF-8 passes through, as in Redis's cjson). */
  private static void quote(LuaString s, java.io.ByteArrayOutputStream out, Budget budget) {
    if (budget != null) budget.charge(s.length() * 6L + 2);
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      int c = s.luaByte(i);
      switch (c) {
        case '"' -> ascii(out, "\\\"");
        case '\\' -> ascii(out, "\\\\");
        case '/' -> ascii(out, "\\/");
        case '\n' -> ascii(out, "\\n");
        case '\r' -> ascii(out, "\\r");
        case '\t' -> ascii(out, "\\t");
        case '\b' -> ascii(out, "\\b");
        case '\f' -> ascii(out, "\\f");
        default -> {
          if (c < 0x20 || c == 0x7F) ascii(out, String.format("\\u%04x", c));
          else out.write(c);
        }
      }
    }
    out.write('"');
  }

  /** A recursive-descent JSON reader. */
  private static final class Decoder {
    final String text;
    final Budget budget;
    int at;

    Decoder(String text, Budget budget) {
      this.text = text;
      this.budget = budget;
    }

    LuaError error(String what) {
      return new LuaError("Expected value but found invalid token at character " + (at + 1) + ": " + what);
    }

    void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    LuaValue value(int depth) {
      if (depth > MAX_DEPTH) throw new LuaError("Found too many nested data structures (" + MAX_DEPTH + ")");
      if (budget != null) budget.work(1, "cjson.decode");
      skipSpace();
      if (at >= text.length()) throw error("end of input");
      char c = text.charAt(at);
      if (c == '{') return object(depth);
      if (c == '[') return array(depth);
      if (c == '"') return LuaValue.valueOf(string().getBytes(StandardCharsets.UTF_8));
      if (text.startsWith("true", at)) {
        at += 4;
        return LuaValue.TRUE;
      }
      if (text.startsWith("false", at)) {
        at += 5;
        return LuaValue.FALSE;
      }
      if (text.startsWith("null", at)) {
        at += 4;
        return NULL;
      }
      return number();
    }

    LuaValue object(int depth) {
      at++;
      LuaTable t = new LuaTable();
      skipSpace();
      if (at < text.length() && text.charAt(at) == '}') {
        at++;
        return t;
      }
      while (true) {
        skipSpace();
        if (at >= text.length() || text.charAt(at) != '"') throw error("object key must be a string");
        String key = string();
        skipSpace();
        expect(':');
        if (budget != null) budget.charge(Meter.SLOT_BYTES);
        t.rawset(LuaValue.valueOf(key.getBytes(StandardCharsets.UTF_8)), value(depth + 1));
        skipSpace();
        if (at < text.length() && text.charAt(at) == ',') {
          at++;
          continue;
        }
        expect('}');
        return t;
      }
    }

    LuaValue array(int depth) {
      at++;
      LuaTable t = new LuaTable();
      skipSpace();
      if (at < text.length() && text.charAt(at) == ']') {
        at++;
        return t;
      }
      for (int i = 1; ; i++) {
        if (budget != null) budget.charge(Meter.SLOT_BYTES);
        t.rawset(i, value(depth + 1));
        skipSpace();
        if (at < text.length() && text.charAt(at) == ',') {
          at++;
          continue;
        }
        expect(']');
        return t;
      }
    }

    void expect(char c) {
      if (at >= text.length() || text.charAt(at) != c) throw error("expected '" + c + "'");
      at++;
    }

    String string() {
      at++;
      StringBuilder sb = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') return sb.toString();
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        if (at >= text.length()) break;
        char e = text.charAt(at++);
        switch (e) {
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (at + 4 > text.length()) throw error("invalid unicode escape");
            try {
              sb.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("invalid unicode escape");
            }
            at += 4;
          }
          default -> sb.append(e);
        }
      }
      throw error("unterminated string");
    }

    LuaValue number() {
      int start = at;
      while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
      if (start == at) throw error("'" + text.charAt(at) + "'");
      try {
        return LuaValue.valueOf(Double.parseDouble(text.substring(start, at)));
      } catch (NumberFormatException e) {
        throw error("invalid number");
      }
    }
  }
}
