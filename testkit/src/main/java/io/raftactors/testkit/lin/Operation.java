package io.raftactors.testkit.lin;

/**
 * One client operation of a history: what it asked ({@code input}), what it was answered
 * ({@code output}), and when, in nanoseconds of one monotonic clock.
 *
 * @param key the partition it belongs to: operations on different keys are checked separately
 *     (P-compositionality); null for operations that span keys (checked with a whole-map model)
 * @param completed when the answer arrived; {@link Long#MAX_VALUE} when the outcome is unknown
 *     (the operation may take effect at any time after its invocation, or never)
 * @param output the answer; {@link #UNKNOWN} when the outcome is unknown
 */
public record Operation(int id, int client, String key, Object input, Object output, long invoked, long completed) {
  /** The output of an operation whose outcome is unknown: any answer is consistent with it. */
  public static final Object UNKNOWN = new Object() {
    @Override
    public String toString() {
      return "?";
    }
  };

  public boolean unknown() {
    return output == UNKNOWN;
  }

  @Override
  public String toString() {
    return "#" + id + " client " + client + (key == null ? "" : " [" + key + "]") + " " + input + " -> " + output;
  }
}
