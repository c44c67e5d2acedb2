package io.raftactors.bench.compare;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RESP2 encoding of commands and parsing of replies (from the anchors' RESP client). Replies:
 * {@code +simple} -> String, {@code :int} -> Long, {@code $bulk} -> byte[] (or {@link #NULL}),
 * {@code *array} -> Object[], {@code -error} -> {@link RespError} (returned, not thrown).
 */
final class RespCodec {
  /** Not all of the reply has arrived; the buffer's position is then undefined. */
  static final Object INCOMPLETE = new Object();
  /** A nil bulk string or array. */
  static final Object NULL = new Object();

  private RespCodec() {}

  /** An error reply ({@code -ERR ...}) or a broken connection. */
  static final class RespError extends RuntimeException {
    RespError(String msg) {
      super(msg, null, false, false);
    }
  }

  /** A command as a RESP multibulk array. */
  static byte[] encode(byte[]... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + args.length * 16);
    out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] a : args) {
      out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(a);
      out.write('\r');
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Parses one reply at b's position; {@link #INCOMPLETE} if it has not all arrived. */
  static Object parse(ByteBuffer b) {
    if (!b.hasRemaining()) return INCOMPLETE;
    byte t = b.get();
    String line = readLine(b);
    if (line == null) return INCOMPLETE;
    switch (t) {
      case '+':
        return line;
      case '-':
        return new RespError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) return NULL;
        if (b.remaining() < n + 2) return INCOMPLETE;
        byte[] data = new byte[n];
        b.get(data);
        if (b.get() != '\r' || b.get() != '\n') throw new IllegalStateException("bulk string without CRLF");
        return data;
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) return NULL;
        Object[] items = new Object[n];
        for (int i = 0; i < n; i++) {
          Object o = parse(b);
          if (o == INCOMPLETE) return INCOMPLETE;
          items[i] = o == NULL ? null : o;
        }
        return items;
      }
      default:
        throw new IllegalStateException("unexpected reply type '" + (char) t + "'");
    }
  }

  private static String readLine(ByteBuffer b) {
    int start = b.position();
    for (int i = start; i + 1 < b.limit(); i++) {
      if (b.get(i) == '\r' && b.get(i + 1) == '\n') {
        byte[] s = new byte[i - start];
        b.get(s);
        b.position(i + 2);
        return new String(s, StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
