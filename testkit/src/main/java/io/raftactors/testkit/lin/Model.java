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
   * Whether this operation, answering {@code output}, never changes a state wherever it fits (a
   * read; a compare-and-set that failed). The checker never tries such an operation later than
   * the first place it fits, which is exact only if it is true for every state, not just the
   * current one: a put of the value a register already holds changes nothing there, but would
   * elsewhere. In a power-set model, an operation that only narrows the set counts as read-only.
   */
  default boolean readOnly(Object input, Object output) {
    return false;
  }

  /**
   * Rewrites one partition's operations into an equivalent form that is cheaper to search, e.g.
   * a write with unknown outcome of a value nobody observed becomes a write of "some unobserved
   * value", so that such writes are interchangeable. Must keep the verdict exactly.
   */
  default java.util.List<Operation> prepare(java.util.List<Operation> partition) {
    return partition;
  }
}
