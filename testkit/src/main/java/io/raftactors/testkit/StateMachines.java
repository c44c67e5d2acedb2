package io.raftactors.testkit;

import io.raftactors.raft.StateMachine;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/** Small state machines for testing the consensus layer itself. */
public final class StateMachines {
  private StateMachines() {}

  /** Returns each command's bytes as its result. */
  public static Supplier<StateMachine> echo() {
    return Echo::new;
  }

  /** Answers each command with its own bytes. */
  static final class Echo implements StateMachine {
    @Override
    public byte[] apply(io.raftactors.raft.CommittedCommand c) {
      return c.command();
    }
  }

  /**
   * Counts applied commands; the result is the count after this one (8 bytes, big-endian). Any
   * query reads the count (a Long).
   */
  public static Supplier<StateMachine> counter() {
    return () ->
        new StateMachine() {
          private long count;

          @Override
          public byte[] apply(io.raftactors.raft.CommittedCommand c) {
            return ByteBuffer.allocate(8).putLong(++count).array();
          }

          @Override
          public Object read(Object query) {
            return count;
          }
        };
  }

  /** A register: each command replaces the value; any query reads it (a String, "" at first). */
  public static Supplier<StateMachine> register() {
    return () ->
        new StateMachine() {
          private String value = "";

          @Override
          public byte[] apply(io.raftactors.raft.CommittedCommand c) {
            value = new String(c.command(), java.nio.charset.StandardCharsets.UTF_8);
            return c.command();
          }

          @Override
          public Object read(Object query) {
            return value;
          }
        };
  }
}
