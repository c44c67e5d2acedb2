package io.raftactors.kv.resp;

import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** RESP2 replies, encoded. */
public final class Resp {
  private static final byte[] CRLF = {'\r', '\n'};
  public static final ByteString OK = simple("OK");
  public static final ByteString NULL_BULK = ByteString.fromString("$-1\r\n");
  public static final ByteString NULL_ARRAY = ByteString.fromString("*-1\r\n");
  public static final ByteString EMPTY_ARRAY = ByteString.fromString("*0\r\n");
  public static final ByteString QUEUED = simple("QUEUED");

  private Resp() {}

  public static ByteString simple(String s) {
    return ByteString.fromString("+" + s + "\r\n");
  }

  /** An error; {@code message} starts with its code (ERR, NOAUTH, TRYAGAIN, ...). */
  public static ByteString error(String message) {
    return ByteString.fromString("-" + message.replace('\r', ' ').replace('\n', ' ') + "\r\n");
  }

  public static ByteString integer(long n) {
    return ByteString.fromString(":" + n + "\r\n");
  }

  public static ByteString bulk(byte[] b) {
    if (b == null) return NULL_BULK;
    ByteStringBuilder out = new ByteStringBuilder();
    appendBulk(out, b);
    return out.result();
  }

  public static ByteString bulk(String s) {
    return s == null ? NULL_BULK : bulk(s.getBytes(StandardCharsets.UTF_8));
  }

  /** An array of bulk strings (null elements are null bulks). */
  public static ByteString array(List<byte[]> items) {
    ByteStringBuilder out = new ByteStringBuilder();
    out.putBytes(("*" + items.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] item : items) {
      if (item == null) out.append(NULL_BULK);
      else appendBulk(out, item);
    }
    return out.result();
  }

  /** An array of already encoded replies. */
  public static ByteString arrayOf(List<ByteString> encoded) {
    ByteStringBuilder out = new ByteStringBuilder();
    out.putBytes(("*" + encoded.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (ByteString e : encoded) out.append(e);
    return out.result();
  }

  private static void appendBulk(ByteStringBuilder out, byte[] b) {
    out.putBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.putBytes(b);
    out.putBytes(CRLF);
  }
}
