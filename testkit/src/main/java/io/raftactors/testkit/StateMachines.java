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

  /** Answers each command with its own bytes; its snapshots are empty (it has no state). */
  static final class Echo implements StateMachine {
    @Override
    public byte[] apply(io.raftactors.raft.CommittedCommand c) {
      return c.command();
    }

    @Override
    public Snapshot snapshot() {
      return copyOf(new byte[0]);
    }

    @Override
    public void restore(java.io.InputStream in) throws java.io.IOException {
      if (in.read() != -1) throw new java.io.IOException("an echo snapshot is empty");
    }
  }

  /**
   * A snapshot of a small state, copied when taken and written in one part: a point-in-time view
   * by copying, which is right for states of a few bytes.
   */
  static StateMachine.Snapshot copyOf(byte[] state) {
    return new StateMachine.Snapshot() {
      private boolean written;

      @Override
      public boolean writeNext(java.io.OutputStream out, int maxBytes) throws java.io.IOException {
        if (written) throw new IllegalStateException("already written");
        out.write(state);
        written = true;
        return false;
      }
    };
  }

  /** The state a {@link #digest()} machine answers queries with. */
  public record Digest(long applied, long hash) {}

  /**
   * Folds every applied command (with its index) into a 64-bit hash; any query reads a {@link
   * Digest}. Two replicas at the same applied index have the same digest exactly when they applied
   * the same commands (up to hash collisions), whether they got there by applying entries or by
   * installing a snapshot, which makes it the state machine for testing snapshots.
   */
  public static Supplier<StateMachine> digest() {
    return () ->
        new StateMachine() {
          private long applied;
          private long hash = 0x9E3779B97F4A7C15L;

          @Override
          public byte[] apply(io.raftactors.raft.CommittedCommand c) {
            long h = hash ^ c.index();
            for (byte b : c.command()) h = (h ^ b) * 0x100000001B3L;
            hash = Long.rotateLeft(h * 0xBF58476D1CE4E5B9L, 31);
            applied = c.index();
            return ByteBuffer.allocate(8).putLong(hash).array();
          }

          @Override
          public Object read(Object query) {
            return new Digest(applied, hash);
          }

          @Override
          public Snapshot snapshot() {
            return copyOf(ByteBuffer.allocate(16).putLong(applied).putLong(hash).array());
          }

          @Override
          public void restore(java.io.InputStream in) throws java.io.IOException {
            byte[] b = in.readAllBytes();
            if (b.length != 16) throw new java.io.IOException("a digest snapshot has 16 bytes, not " + b.length);
            ByteBuffer buf = ByteBuffer.wrap(b);
            applied = buf.getLong();
            hash = buf.getLong();
          }
        };
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

          @Override
          public Snapshot snapshot() {
            return copyOf(ByteBuffer.allocate(8).putLong(count).array());
          }

          @Override
          public void restore(java.io.InputStream in) throws java.io.IOException {
            byte[] b = in.readAllBytes();
            if (b.length != 8) throw new java.io.IOException("a counter snapshot has 8 bytes, not " + b.length);
            count = ByteBuffer.wrap(b).getLong();
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

          @Override
          public Snapshot snapshot() {
            return copyOf(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }

          @Override
          public void restore(java.io.InputStream in) throws java.io.IOException {
            value = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          }
        };
  }
}
