package io.raftactors.kv.resp;

/** Redis glob patterns (KEYS, SCAN MATCH): {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, {@code \x}. */
final class GlobPattern {
  private final byte[] p;

  GlobPattern(byte[] pattern) {
    this.p = pattern;
  }

  /** The literal prefix before the first special character: a range that holds every match. */
  byte[] literalPrefix() {
    int i = 0;
    while (i < p.length && p[i] != '*' && p[i] != '?' && p[i] != '[' && p[i] != '\\') i++;
    return java.util.Arrays.copyOf(p, i);
  }

  boolean matches(byte[] s) {
    return match(0, s, 0);
  }

  private boolean match(int pi, byte[] s, int si) {
    while (pi < p.length) {
      byte c = p[pi];
      if (c == '*') {
        while (pi + 1 < p.length && p[pi + 1] == '*') pi++;
        if (pi + 1 == p.length) return true;
        for (int k = si; k <= s.length; k++) if (match(pi + 1, s, k)) return true;
        return false;
      }
      if (si == s.length) return false;
      if (c == '?') {
        pi++;
        si++;
      } else if (c == '[') {
        int end = pi + 1;
        boolean not = end < p.length && p[end] == '^';
        if (not) end++;
        boolean hit = false;
        while (end < p.length && p[end] != ']') {
          if (p[end] == '\\' && end + 1 < p.length) {
            end++;
            if (p[end] == s[si]) hit = true;
          } else if (end + 2 < p.length && p[end + 1] == '-' && p[end + 2] != ']') {
            int lo = p[end] & 0xFF;
            int hi = p[end + 2] & 0xFF;
            int v = s[si] & 0xFF;
            if (lo > hi) {
              int t = lo;
              lo = hi;
              hi = t;
            }
            if (v >= lo && v <= hi) hit = true;
            end += 2;
          } else if (p[end] == s[si]) {
            hit = true;
          }
          end++;
        }
        if (hit == not) return false;
        pi = Math.min(end + 1, p.length);
        si++;
      } else {
        if (c == '\\' && pi + 1 < p.length) {
          pi++;
          c = p[pi];
        }
        if (c != s[si]) return false;
        pi++;
        si++;
      }
    }
    return si == s.length;
  }
}
