package io.raftactors.kv.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental parser of RESP2 requests, as Redis reads them: multibulk arrays of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands ({@code GET k\r\n}, with Redis's
 * quoting). Bytes may arrive split anywhere; {@link #feed} returns every command completed so far.
 * Limits keep a client from making the server buffer without bound; breaking them, or the
 * framing, is a {@link RespProtocolException} with Redis's own error text.
 */
public final class RespParser {
  /** Longest inline command or header line (Redis's PROTO_INLINE_MAX_SIZE). */
  static final int MAX_LINE = 64 * 1024;

  private final long maxBulkLength;
  private final int maxMultibulkLength;
  private byte[] buf = new byte[4096];
  private int start;
  private int end;
  /** The multibulk in progress: arguments still expected, those read so far, the current bulk's length. */
  private int expected = -1;
  private List<byte[]> args;
  private int bulkLength = -1;

  public RespParser(long maxBulkLength, int maxMultibulkLength) {
    this.maxBulkLength = maxBulkLength;
    this.maxMultibulkLength = maxMultibulkLength;
  }

  /** Adds bytes; returns the commands they completed, each a list of arguments. */
  public List<List<byte[]>> feed(byte[] bytes) throws RespProtocolException {
    append(bytes);
    List<List<byte[]>> commands = new ArrayList<>();
    while (true) {
      List<byte[]> command = expected >= 0 ? continueMultibulk() : next();
      if (command == null) break;
      if (!command.isEmpty()) commands.add(command);
    }
    compact();
    return commands;
  }

  /** Bytes held for an incomplete command. */
  public int buffered() {
    return end - start;
  }

  private List<byte[]> next() throws RespProtocolException {
    if (start == end) return null;
    if (buf[start] == '*') {
      int eol = lineEnd(start);
      if (eol < 0) {
        if (end - start > MAX_LINE) throw new RespProtocolException("Protocol error: too big mbulk count string");
        return null;
      }
      long n = parseLong(start + 1, eol);
      start = eol + 2;
      if (n == Long.MIN_VALUE || n > maxMultibulkLength) {
        throw new RespProtocolException("Protocol error: invalid multibulk length");
      }
      if (n <= 0) return List.of();
      expected = (int) n;
      args = new ArrayList<>((int) Math.min(n, 1024));
      return continueMultibulk();
    }
    return inline();
  }

  private List<byte[]> continueMultibulk() throws RespProtocolException {
    while (args.size() < expected) {
      if (bulkLength < 0) {
        if (start == end) return null;
        if (buf[start] != '$') {
          throw new RespProtocolException("Protocol error: expected '$', got '" + (char) buf[start] + "'");
        }
        int eol = lineEnd(start);
        if (eol < 0) {
          if (end - start > MAX_LINE) throw new RespProtocolException("Protocol error: too big bulk count string");
          return null;
        }
        long len = parseLong(start + 1, eol);
        if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLength) {
          throw new RespProtocolException("Protocol error: invalid bulk length");
        }
        bulkLength = (int) len;
        start = eol + 2;
      }
      if (end - start < bulkLength + 2) {
        ensureCapacity(bulkLength + 2);
        return null;
      }
      byte[] arg = new byte[bulkLength];
      System.arraycopy(buf, start, arg, 0, bulkLength);
      start += bulkLength + 2; // the CRLF after the data is not checked, as Redis does not
      args.add(arg);
      bulkLength = -1;
    }
    List<byte[]> done = args;
    args = null;
    expected = -1;
    return done;
  }

  private List<byte[]> inline() throws RespProtocolException {
    int nl = -1;
    for (int i = start; i < end; i++) {
      if (buf[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      if (end - start > MAX_LINE) throw new RespProtocolException("Protocol error: too big inline request");
      return null;
    }
    int lineEnd = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
    String line = new String(buf, start, lineEnd - start, StandardCharsets.ISO_8859_1);
    start = nl + 1;
    return InlineSplitter.split(line);
  }

  /** Index of the '\r' of the CRLF ending the line at {@code from}, or -1. */
  private int lineEnd(int from) {
    for (int i = from; i + 1 < end; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n') return i;
    }
    return -1;
  }

  /** The decimal in {@code [from, to)}, or Long.MIN_VALUE if it is not one. */
  private long parseLong(int from, int to) {
    if (from == to || to - from > 19) return Long.MIN_VALUE;
    boolean negative = buf[from] == '-';
    int i = negative ? from + 1 : from;
    if (i == to) return Long.MIN_VALUE;
    long v = 0;
    for (; i < to; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) return Long.MIN_VALUE;
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  private void append(byte[] bytes) {
    ensureCapacity(end - start + bytes.length);
    System.arraycopy(bytes, 0, buf, end, bytes.length);
    end += bytes.length;
  }

  private void ensureCapacity(int needed) {
    if (buf.length - start >= needed) return;
    if (buf.length >= needed * 2 && start > 0) {
      compact();
      return;
    }
    byte[] bigger = new byte[Math.max(needed, buf.length * 2)];
    System.arraycopy(buf, start, bigger, 0, end - start);
    end -= start;
    start = 0;
    buf = bigger;
  }

  private void compact() {
    if (start == 0) return;
    System.arraycopy(buf, start, buf, 0, end - start);
    end -= start;
    start = 0;
    if (end == 0 && buf.length > 64 * 1024) buf = new byte[4096];
  }
}
