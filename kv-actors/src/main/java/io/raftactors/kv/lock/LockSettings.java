package io.raftactors.kv.lock;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** Settings of the lock recipes ({@code kv.lock} in reference.conf). */
public record LockSettings(Duration sessionTtl, Duration recheckInterval) {
  public LockSettings {
    if (sessionTtl.toMillis() < 300) {
      throw new IllegalArgumentException("invalid kv configuration: kv.lock.session-ttl must be at least 300ms");
    }
    if (recheckInterval.isZero() || recheckInterval.isNegative()) {
      throw new IllegalArgumentException("invalid kv configuration: kv.lock.recheck-interval must be positive");
    }
  }

  public static LockSettings fromRoot(Config root) {
    try {
      Config c = root.getConfig("kv.lock");
      return new LockSettings(c.getDuration("session-ttl"), c.getDuration("recheck-interval"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid kv configuration: " + e.getMessage(), e);
    }
  }
}
