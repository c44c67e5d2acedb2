package io.raftactors.kv.script;

import io.raftactors.kv.Bytes;

/**
 * Recognises the standard safe-release script of Redis locks, {@code if redis.call("get",KEYS[1])
 * == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end}, however it is spaced or
 * quoted, so that the store runs it as the conditional delete it is (no interpreter): the same
 * reply on every replica as the interpreter would give.
 */
public final class UnlockScript {
  private static final String CANONICAL =
      "ifredis.call(\"get\",KEYS[1])==ARGV[1]thenreturnredis.call(\"del\",KEYS[1])elsereturn0end";

  private UnlockScript() {}

  /** Whether {@code script}, with spaces removed and single quotes made double, is the standard one. */
  public static boolean matches(Bytes script) {
    if (script.size() > 4 * CANONICAL.length()) return false;
    StringBuilder normal = new StringBuilder(CANONICAL.length());
    for (byte b : script.unsafeArray()) {
      if (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ';') continue;
      normal.append(b == '\'' ? '"' : (char) (b & 0xFF));
      if (normal.length() > CANONICAL.length()) return false;
    }
    return normal.toString().equals(CANONICAL);
  }
}
