package io.raftactors.kv.state;

import io.raftactors.kv.Bytes;

/** Values read as integers the way Redis reads them for INCR: strict signed decimal, 64 bits. */
final class Integers {
  private Integers() {}

  /** The value as a long, or null if it is not exactly a canonical signed decimal 64-bit integer. */
  static Long parse(Bytes value) {
    byte[] b = value.unsafeArray();
    int n = b.length;
    if (n == 0 || n > 20) return null;
    int i = 0;
    boolean negative = b[0] == '-';
    if (negative) i = 1;
    if (i == n) return null;
    if (b[i] == '0' && (n - i > 1 || negative)) return null; // no leading zeros, no "-0"
    long v = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) return null;
      // accumulate negatively to reach Long.MIN_VALUE
      if (v < (Long.MIN_VALUE + d) / 10) return null;
      v = v * 10 - d;
    }
    if (negative) return v;
    return v == Long.MIN_VALUE ? null : -v;
  }

  static Bytes format(long v) {
    return Bytes.of(Long.toString(v));
  }
}
