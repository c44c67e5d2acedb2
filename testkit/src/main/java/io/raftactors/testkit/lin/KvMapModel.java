package io.raftactors.testkit.lin;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole key-value map, for histories with multi-key transactions (record them with key
 * null, so they are checked as one partition). The state is an immutable map.
 */
public final class KvMapModel implements Model<Map<String, String>> {
  /** Answers the value, or null. */
  public record Get(String key) {
    @Override
    public String toString() {
      return "get " + key;
    }
  }

  /** Any output. */
  public record Put(String key, String value) {
    @Override
    public String toString() {
      return "put " + key + "=" + value;
    }
  }

  /** Answers true if the key existed. */
  public record Delete(String key) {
    @Override
    public String toString() {
      return "delete " + key;
    }
  }

  /**
   * If every key in {@code expect} has the given value (null: absent), writes {@code puts};
   * answers whether it did.
   */
  public record Txn(Map<String, String> expect, Map<String, String> puts) {
    @Override
    public String toString() {
      return "txn if " + expect + " then " + puts;
    }
  }

  @Override
  public boolean readOnly(Object input, Object output) {
    return input instanceof Get || Boolean.FALSE.equals(output) && (input instanceof Delete || input instanceof Txn);
  }

  @Override
  public Map<String, String> init() {
    return Map.of();
  }

  @Override
  public Map<String, String> step(Map<String, String> state, Object input, Object output) {
    boolean any = output == Operation.UNKNOWN;
    if (input instanceof Get g) return any || Objects.equals(output, state.get(g.key())) ? state : null;
    if (input instanceof Put p) return with(state, Map.of(p.key(), p.value()));
    if (input instanceof Delete d) {
      if (!any && !Objects.equals(output, state.containsKey(d.key()))) return null;
      if (!state.containsKey(d.key())) return state;
      Map<String, String> next = new HashMap<>(state);
      next.remove(d.key());
      return Map.copyOf(next);
    }
    if (input instanceof Txn t) {
      boolean holds = t.expect().entrySet().stream().allMatch(e -> Objects.equals(state.get(e.getKey()), e.getValue()));
      if (!any && !Objects.equals(output, holds)) return null;
      return holds ? with(state, t.puts()) : state;
    }
    throw new IllegalArgumentException("not a map operation: " + input);
  }

  private static Map<String, String> with(Map<String, String> state, Map<String, String> puts) {
    Map<String, String> next = new HashMap<>(state);
    next.putAll(puts);
    return Map.copyOf(next);
  }
}
