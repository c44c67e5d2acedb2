package io.raftactors.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string: keys and values of the store (binary-safe, as Redis and etcd keys
 * are). Ordered by unsigned lexicographic comparison, so prefixes sort together.
 */
public final class Bytes implements Comparable<Bytes> {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}. */
  public static Bytes of(byte[] bytes) {
    return new Bytes(bytes.clone());
  }

  /** The UTF-8 encoding of {@code s}. */
  public static Bytes of(String s) {
    return new Bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Wraps without copying: the caller must never modify {@code bytes} afterwards. */
  public static Bytes wrap(byte[] bytes) {
    return new Bytes(bytes);
  }

  public int size() {
    return bytes.length;
  }

  /** A copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  /** The bytes themselves, for encoders: never modify them. */
  public byte[] unsafeArray() {
    return bytes;
  }

  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public boolean startsWith(Bytes prefix) {
    return Arrays.equals(bytes, 0, Math.min(prefix.bytes.length, bytes.length), prefix.bytes, 0,
        prefix.bytes.length);
  }

  /** This string followed by {@code suffix}. */
  public Bytes concat(Bytes suffix) {
    byte[] joined = Arrays.copyOf(bytes, bytes.length + suffix.bytes.length);
    System.arraycopy(suffix.bytes, 0, joined, bytes.length, suffix.bytes.length);
    return new Bytes(joined);
  }

  /** The smallest byte string greater than every string with this prefix, or null if none is. */
  public Bytes prefixEnd() {
    byte[] end = bytes.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return new Bytes(Arrays.copyOf(end, i + 1));
      }
    }
    return null;
  }

  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) hash = h = Arrays.hashCode(bytes);
    return h;
  }

  @Override
  public String toString() {
    for (byte b : bytes) {
      if (b < 0x20 || b == 0x7F) return "0x" + java.util.HexFormat.of().formatHex(bytes);
    }
    return utf8();
  }
}
