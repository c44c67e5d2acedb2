package io.raftactors.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Decodes a script's reply (RESP2) into Java values for {@link KvResult.EvalResult#value()}. */
final class ScriptReplies {
  private ScriptReplies() {}

  static Object decode(byte[] reply) {
    return read(reply, new int[] {0});
  }

  private static Object read(byte[] b, int[] at) {
    byte type = b[at[0]++];
    int start = at[0];
    while (b[at[0]] != '\r') at[0]++;
    String line = new String(b, start, at[0] - start, StandardCharsets.UTF_8);
    at[0] += 2;
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new IllegalStateException("the script failed: " + line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int n = Integer.parseInt(line);
        if (n < 0) yield null;
        byte[] bytes = Arrays.copyOfRange(b, at[0], at[0] + n);
        at[0] += n + 2;
        yield bytes;
      }
      case '*' -> {
        int n = Integer.parseInt(line);
        if (n < 0) yield null;
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) items.add(read(b, at));
        yield items;
      }
      default -> throw new IllegalArgumentException("not a RESP reply: " + (char) type);
    };
  }
}
