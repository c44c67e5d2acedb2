package io.raftactors.testkit.lin;

/**
 * A sequential specification: what a single copy of the object would answer. States must be
 * immutable values with {@code equals} and {@code hashCode} (the checker memoizes on them).
 */
public interface Model<S> {
  S init();

  /**
   * The state after {@code input} takes effect in {@code state}, if it would answer
   * {@code output} there ({@link Operation#UNKNOWN}: any answer is fine); null if it would not.
   */
  S step(S state, Object input, Object output);

  /**
   * Rewrites one partition's operations into an equivalent form that is cheaper to search, e.g.
   * a write with unknown outcome of a value nobody observed becomes a write of "some unobserved
   * value", so that such writes are interchangeable. Must keep the verdict exactly.
   */
  default java.util.List<Operation> prepare(java.util.List<Operation> partition) {
    return partition;
  }
}
