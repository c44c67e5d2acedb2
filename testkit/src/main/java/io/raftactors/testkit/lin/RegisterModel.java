package io.raftactors.testkit.lin;

import java.util.Objects;
import java.util.Optional;

/**
 * A register per key (check histories partitioned by key): get, put, put-if-absent (SETNX),
 * compare-and-set, delete. The state is the value, {@link Optional#empty()} when absent.
 */
public final class RegisterModel implements Model<Optional<String>> {
  /** Answers the value, or null when absent. */
  public record Get() {
    @Override
    public String toString() {
      return "get";
    }
  }

  /** Answers nothing of interest (any output). */
  public record Put(String value) {
    @Override
    public String toString() {
      return "put " + value;
    }
  }

  /** Answers true if it set the value (the key was absent). */
  public record PutIfAbsent(String value) {
    @Override
    public String toString() {
      return "setnx " + value;
    }
  }

  /** Answers true if the value was {@code expected} (null: absent) and is now {@code value}. */
  public record Cas(String expected, String value) {
    @Override
    public String toString() {
      return "cas " + expected + " -> " + value;
    }
  }

  /** Answers true if the key existed. */
  public record Delete() {
    @Override
    public String toString() {
      return "delete";
    }
  }

  /** The value of writes whose value no operation observed (see {@link #prepare}). */
  static final String UNOBSERVED = "\u0000unobserved";

  /**
   * Two rewrites, both exact: (1) an unknown-outcome write whose value no read returned and no
   * CAS expected becomes a write of {@link #UNOBSERVED}, so such writes are interchangeable;
   * (2) an unknown-outcome write of a value written by no other operation, which a completed read
   * returned, certainly took effect before that read completed: that becomes its return time.
   */
  @Override
  public java.util.List<Operation> prepare(java.util.List<Operation> ops) {
    java.util.Map<String, Long> firstRead = new java.util.HashMap<>();
    java.util.Map<String, Integer> writers = new java.util.HashMap<>();
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (Operation op : ops) {
      if (op.input() instanceof Get && !op.unknown() && op.output() instanceof String v) {
        firstRead.merge(v, op.completed(), Math::min);
      }
      if (op.input() instanceof Cas c && c.expected() != null) expected.add(c.expected());
      String written = written(op.input());
      if (written != null) writers.merge(written, 1, Integer::sum);
    }
    java.util.List<Operation> out = new java.util.ArrayList<>(ops.size());
    for (Operation op : ops) {
      String v = written(op.input());
      if (!op.unknown() || v == null) {
        out.add(op);
      } else if (!firstRead.containsKey(v) && !expected.contains(v)) {
        Object general = op.input() instanceof Put ? new Put(UNOBSERVED)
            : op.input() instanceof PutIfAbsent ? new PutIfAbsent(UNOBSERVED)
            : new Cas(((Cas) op.input()).expected(), UNOBSERVED);
        out.add(new Operation(op.id(), op.client(), op.key(), general, op.output(), op.invoked(), op.completed()));
      } else if (firstRead.containsKey(v) && writers.get(v) == 1 && firstRead.get(v) >= op.invoked()) {
        out.add(new Operation(op.id(), op.client(), op.key(), op.input(), op.output(), op.invoked(), firstRead.get(v)));
      } else {
        out.add(op);
      }
    }
    return out;
  }

  private static String written(Object input) {
    if (input instanceof Put p) return p.value();
    if (input instanceof PutIfAbsent p) return p.value();
    if (input instanceof Cas c) return c.value();
    return null;
  }

  @Override
  public boolean readOnly(Object input, Object output) {
    return input instanceof Get
        || Boolean.FALSE.equals(output)
            && (input instanceof PutIfAbsent || input instanceof Cas || input instanceof Delete);
  }

  @Override
  public Optional<String> init() {
    return Optional.empty();
  }

  @Override
  public Optional<String> step(Optional<String> state, Object input, Object output) {
    boolean any = output == Operation.UNKNOWN;
    if (input instanceof Get) {
      return any || Objects.equals(output, state.orElse(null)) ? state : null;
    }
    if (input instanceof Put p) return Optional.of(p.value());
    if (input instanceof PutIfAbsent p) {
      boolean sets = state.isEmpty();
      if (!any && !Objects.equals(output, sets)) return null;
      return sets ? Optional.of(p.value()) : state;
    }
    if (input instanceof Cas c) {
      boolean matches = Objects.equals(state.orElse(null), c.expected());
      if (!any && !Objects.equals(output, matches)) return null;
      return matches ? Optional.of(c.value()) : state;
    }
    if (input instanceof Delete) {
      if (!any && !Objects.equals(output, state.isPresent())) return null;
      return Optional.empty();
    }
    throw new IllegalArgumentException("not a register operation: " + input);
  }
}
