package io.raftactors.testkit.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records client operations as they happen, from any thread: {@code invoke} before sending the
 * request, then exactly one of {@code ok}, {@code failed} (certainly not applied: dropped from
 * the history) or {@code unknown} (may have applied) when its fate is known. An operation never
 * completed counts as unknown.
 */
public final class History {
  private final AtomicInteger ids = new AtomicInteger();
  private final List<Call> calls = new ArrayList<>();

  /** An operation in progress. */
  public final class Call {
    private final int id;
    private final int client;
    private final String key;
    private final Object input;
    private final long invoked;
    private Object output;
    private long completed = -1;
    private boolean failed;

    private Call(int id, int client, String key, Object input) {
      this.id = id;
      this.client = client;
      this.key = key;
      this.input = input;
      this.invoked = System.nanoTime();
    }

    /** It took effect and answered {@code output}. */
    public void ok(Object output) {
      complete(output, false);
    }

    /** It certainly did not take effect. */
    public void failed() {
      complete(null, true);
    }

    /** It may or may not have taken effect; its answer is unknown. */
    public void unknown() {
      complete(Operation.UNKNOWN, false);
    }

    private synchronized void complete(Object output, boolean failed) {
      if (completed >= 0) throw new IllegalStateException("completed twice: " + input);
      this.completed = System.nanoTime();
      this.output = output;
      this.failed = failed;
    }

    private synchronized Operation operation() {
      if (failed) return null;
      if (completed < 0 || output == Operation.UNKNOWN) {
        return new Operation(id, client, key, input, Operation.UNKNOWN, invoked, Long.MAX_VALUE);
      }
      return new Operation(id, client, key, input, output, invoked, completed);
    }
  }

  /** Records the invocation of {@code input} by {@code client} on {@code key} (null: several keys). */
  public Call invoke(int client, String key, Object input) {
    Call call = new Call(ids.getAndIncrement(), client, key, input);
    synchronized (calls) {
      calls.add(call);
    }
    return call;
  }

  /** The operations so far, without those that certainly did not take effect. */
  public List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    synchronized (calls) {
      for (Call c : calls) {
        Operation op = c.operation();
        if (op != null) ops.add(op);
      }
    }
    return ops;
  }
}
