package io.raftactors.kv;

/** Why a {@link KvClient} operation failed. */
public class KvException extends RuntimeException {
  protected KvException(String message) {
    super(message);
  }

  /** The operation certainly had no effect (no leader in time, overloaded, ...): safe to retry. */
  public static final class NotApplied extends KvException {
    private final String reason;

    NotApplied(String reason, String message) {
      super(reason + ": " + message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * A write whose outcome is unknown: it may or may not have been applied (or be applied later,
   * once). Read to find out before doing anything that depends on it.
   */
  public static final class OutcomeUnknown extends KvException {
    OutcomeUnknown(String message) {
      super(message);
    }
  }

  /** The store refused the operation (it changed nothing): e.g. INCR of a non-integer. */
  public static final class Refused extends KvException {
    private final KvResult.Failure failure;

    Refused(KvResult.Failure failure) {
      super(failure.code() + ": " + failure.message());
      this.failure = failure;
    }

    public KvResult.Failure failure() {
      return failure;
    }
  }
}
