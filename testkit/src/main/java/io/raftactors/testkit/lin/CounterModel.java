package io.raftactors.testkit.lin;

import java.util.Objects;

/** A counter per key (INCR/INCRBY and GET): the state is its value, 0 before any increment. */
public final class CounterModel implements Model<Long> {
  /** Answers the value after adding {@code delta}. */
  public record Add(long delta) {
    @Override
    public String toString() {
      return "add " + delta;
    }
  }

  /** Answers the value. */
  public record Read() {
    @Override
    public String toString() {
      return "read";
    }
  }

  @Override
  public boolean readOnly(Object input, Object output) {
    return input instanceof Read;
  }

  @Override
  public Long init() {
    return 0L;
  }

  @Override
  public Long step(Long state, Object input, Object output) {
    boolean any = output == Operation.UNKNOWN;
    if (input instanceof Add a) {
      long next = state + a.delta();
      return any || Objects.equals(output, next) ? next : null;
    }
    if (input instanceof Read) return any || Objects.equals(output, state) ? state : null;
    throw new IllegalArgumentException("not a counter operation: " + input);
  }
}
