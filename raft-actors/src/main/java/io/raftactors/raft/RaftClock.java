package io.raftactors.raft;

/**
 * The clocks a node reads. {@link #nanoTime()} measures intervals (leader contact, check-quorum);
 * {@link #currentTimeMillis()} stamps entries at the leader so that state machines decide
 * time-dependent things (TTL expiry) from the log, never from each replica's own clock.
 */
public interface RaftClock {
  long nanoTime();

  long currentTimeMillis();

  RaftClock SYSTEM =
      new RaftClock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return System.currentTimeMillis();
        }
      };
}
