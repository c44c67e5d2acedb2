package io.raftactors.kv.script;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Redis's conversions between its replies and Lua values. Reply to Lua: integer to number, bulk
 * string to string, nil bulk or nil array to false, array to table, status to {@code {ok=...}},
 * error to {@code {err=...}}. Lua to reply: number to integer (truncated), string to bulk string,
 * true to 1, false and nil to nil, a table with {@code err} to an error, with {@code ok} to a status,
 * any other table to an array of its elements up to the first nil.
 */
final class LuaReplies {
  /** Tables nested deeper than this in a script's reply are an error (a table may contain itself). */
  static final int MAX_NESTING = 100;

  private LuaReplies() {}

  static LuaValue toLua(ByteString reply, Budget budget) {
    int[] at = {0};
    return read(reply.toArray(), at, budget);
  }

  private static LuaValue read(byte[] b, int[] at, Budget budget) {
    byte type = b[at[0]++];
    String line = line(b, at);
    switch (type) {
      case '+' -> {
        return table("ok", line);
      }
      case '-' -> {
        return table("err", line);
      }
      case ':' -> {
        return LuaValue.valueOf(Long.parseLong(line));
      }
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n < 0) return LuaValue.FALSE;
        budget.charge(n);
        LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, at[0], at[0] + n));
        at[0] += n + 2;
        return s;
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        if (n < 0) return LuaValue.FALSE;
        budget.charge(Meter.TABLE_BYTES + (long) Meter.SLOT_BYTES * n);
        LuaTable t = new LuaTable(n, 0);
        for (int i = 1; i <= n; i++) t.rawset(i, read(b, at, budget));
        return t;
      }
      default -> throw new IllegalArgumentException("not a RESP reply: " + (char) type);
    }
  }

  private static String line(byte[] b, int[] at) {
    int start = at[0];
    while (b[at[0]] != '\r') at[0]++;
    String s = new String(b, start, at[0] - start, StandardCharsets.UTF_8);
    at[0] += 2;
    return s;
  }

  private static LuaTable table(String field, String text) {
    LuaTable t = new LuaTable();
    t.rawset(field, LuaValue.valueOf(text));
    return t;
  }

  /** The reply a script's return value makes. */
  static ByteString toResp(LuaValue v, Budget budget) {
    ByteStringBuilder out = new ByteStringBuilder();
    write(out, v, budget, 0);
    return out.result();
  }

  private static void write(ByteStringBuilder out, LuaValue v, Budget budget, int depth) {
    budget.work(1, "building the reply");
    budget.charge(16); // an element's framing; a table may hold the same table many times
    if (v.isnil() || v == LuaValue.FALSE) {
      out.putBytes("$-1\r\n".getBytes(StandardCharsets.US_ASCII));
    } else if (v == LuaValue.TRUE) {
      out.putBytes(":1\r\n".getBytes(StandardCharsets.US_ASCII));
    } else if (v.type() == LuaValue.TNUMBER) {
      out.putBytes((":" + (long) v.todouble() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    } else if (v.type() == LuaValue.TSTRING) {
      LuaString s = v.checkstring();
      budget.charge(s.length());
      out.putBytes(("$" + s.length() + "\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] bytes = new byte[s.length()];
      s.copyInto(0, bytes, 0, bytes.length);
      out.putBytes(bytes);
      out.putBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    } else if (v.istable()) {
      if (depth >= MAX_NESTING) throw new LuaError("reached lua stack limit");
      LuaValue err = v.rawget("err");
      LuaValue ok = v.rawget("ok");
      if (err.isstring()) {
        out.putBytes(("-" + oneLine(err.tojstring()) + "\r\n").getBytes(StandardCharsets.UTF_8));
      } else if (ok.isstring()) {
        out.putBytes(("+" + oneLine(ok.tojstring()) + "\r\n").getBytes(StandardCharsets.UTF_8));
      } else {
        int n = 0;
        while (!v.rawget(n + 1).isnil()) n++;
        out.putBytes(("*" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i <= n; i++) write(out, v.rawget(i), budget, depth + 1);
      }
    } else {
      out.putBytes("$-1\r\n".getBytes(StandardCharsets.US_ASCII)); // functions and the like: nil, as in Redis
    }
  }

  static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }
}
