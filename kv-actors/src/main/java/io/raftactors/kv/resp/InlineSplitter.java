package io.raftactors.kv.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Splits an inline command the way Redis's sdssplitargs does: spaces, "double" and 'single' quotes. */
final class InlineSplitter {
  private InlineSplitter() {}

  static List<byte[]> split(String line) throws RespProtocolException {
    List<byte[]> args = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && Character.isWhitespace(line.charAt(i))) i++;
      if (i == n) return args;
      ByteArrayOutputStream cur = new ByteArrayOutputStream();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        if (inDouble) {
          if (i == n) throw new RespProtocolException("Protocol error: unbalanced quotes in request");
          char c = line.charAt(i);
          if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && hex(line.charAt(i + 2)) >= 0
              && hex(line.charAt(i + 3)) >= 0) {
            cur.write(hex(line.charAt(i + 2)) * 16 + hex(line.charAt(i + 3)));
            i += 3;
          } else if (c == '\\' && i + 1 < n) {
            i++;
            char e = line.charAt(i);
            cur.write(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> e;
            });
          } else if (c == '"') {
            if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
              throw new RespProtocolException("Protocol error: unbalanced quotes in request");
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else if (inSingle) {
          if (i == n) throw new RespProtocolException("Protocol error: unbalanced quotes in request");
          char c = line.charAt(i);
          if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
            i++;
            cur.write('\'');
          } else if (c == '\'') {
            if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
              throw new RespProtocolException("Protocol error: unbalanced quotes in request");
            }
            done = true;
          } else {
            cur.write(c);
          }
        } else {
          if (i == n) {
            done = true;
            continue;
          }
          char c = line.charAt(i);
          if (Character.isWhitespace(c)) {
            done = true;
            continue;
          } else if (c == '"') {
            inDouble = true;
          } else if (c == '\'') {
            inSingle = true;
          } else {
            cur.write(c);
          }
        }
        if (i < n) i++;
      }
      args.add(cur.toByteArray());
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
