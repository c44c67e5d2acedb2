package io.raftactors.testkit;

import io.raftactors.raft.RaftClock;

/**
 * A node's interval clock whose rate can be changed while it runs: rate 1 is real time, 0.5 a
 * clock that counts half as fast (its leases seem to last twice as long). It never goes back.
 * Entry timestamps ({@link #currentTimeMillis()}) follow the real wall clock, plus an offset that
 * a test may set ({@link #setWallOffset}: a member whose wall clock is ahead of the others').
 */
public final class SkewedClock implements RaftClock {
  private long realAtChange = System.nanoTime();
  private long readingAtChange = realAtChange;
  private double rate = 1;
  private volatile long wallOffsetMillis;

  /** Sets how fast this clock runs relative to real time, from now on. */
  public synchronized void setRate(double rate) {
    if (rate <= 0) throw new IllegalArgumentException("rate must be positive");
    long now = System.nanoTime();
    readingAtChange = reading(now);
    realAtChange = now;
    this.rate = rate;
  }

  public synchronized double rate() {
    return rate;
  }

  @Override
  public synchronized long nanoTime() {
    return reading(System.nanoTime());
  }

  private long reading(long real) {
    return readingAtChange + (long) ((real - realAtChange) * rate);
  }

  /** From now on, this node's wall clock reads {@code millis} more than the real one. */
  public void setWallOffset(long millis) {
    wallOffsetMillis = millis;
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis() + wallOffsetMillis;
  }
}
