package io.raftactors.kv.script;

/**
 * What one script may use: Lua VM instructions, and bytes of the strings and table slots it
 * creates (an allocation count, not live memory: deterministic, so that a script over its limit
 * fails the same way on every replica). Carried in the replicated command, so every replica
 * applies the proposer's limits.
 */
public record ScriptLimits(long maxInstructions, long maxMemoryBytes) {
  public ScriptLimits {
    if (maxInstructions < 1000) throw new IllegalArgumentException("a script may run at least 1000 instructions");
    if (maxMemoryBytes < 64 * 1024) throw new IllegalArgumentException("a script may allocate at least 64 KiB");
  }

  /** The defaults of {@code kv.script}: 10 million instructions, 64 MiB. */
  public static final ScriptLimits DEFAULT = new ScriptLimits(10_000_000, 64L * 1024 * 1024);

  /**
   * The most any script may have, whatever its command asks for (the state machine caps what a
   * client sends): 100 million instructions, 256 MiB.
   */
  public static final ScriptLimits MAX = new ScriptLimits(100_000_000, 256L * 1024 * 1024);

  /** {@code kv.script.max-instructions} and {@code kv.script.max-memory} (at most {@link #MAX}). */
  public static ScriptLimits fromRoot(com.typesafe.config.Config root) {
    try {
      ScriptLimits l = new ScriptLimits(root.getLong("kv.script.max-instructions"), root.getBytes("kv.script.max-memory"));
      if (l.maxInstructions() > 100_000_000 || l.maxMemoryBytes() > 256L * 1024 * 1024) {
        throw new IllegalArgumentException("kv.script.max-instructions is at most 100000000 and kv.script.max-memory "
            + "at most 256 MiB");
      }
      return l;
    } catch (com.typesafe.config.ConfigException | IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid kv configuration: " + e.getMessage(), e);
    }
  }
}
