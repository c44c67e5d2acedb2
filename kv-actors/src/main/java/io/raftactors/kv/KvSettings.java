package io.raftactors.kv;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** Settings of the KV service and client ({@code kv} in reference.conf). */
public record KvSettings(
    Duration requestTimeout,
    Duration expiryCheckInterval,
    int watchHistoryEvents,
    int watchMaxUnackedEvents,
    Duration clientOperationTimeout,
    Duration clientAttemptTimeout,
    Duration clientSessionTtl) {

  public KvSettings {
    positive(requestTimeout, "kv.request-timeout");
    positive(expiryCheckInterval, "kv.expiry-check-interval");
    positive(clientOperationTimeout, "kv.client.operation-timeout");
    positive(clientAttemptTimeout, "kv.client.attempt-timeout");
    positive(clientSessionTtl, "kv.client.session-ttl");
    if (watchHistoryEvents < 1) throw invalid("kv.watch.history-events", "must be >= 1");
    if (watchMaxUnackedEvents < 1) throw invalid("kv.watch.max-unacked-events", "must be >= 1");
  }

  public static KvSettings fromRoot(Config root) {
    try {
      Config c = root.getConfig("kv");
      return new KvSettings(
          c.getDuration("request-timeout"),
          c.getDuration("expiry-check-interval"),
          c.getInt("watch.history-events"),
          c.getInt("watch.max-unacked-events"),
          c.getDuration("client.operation-timeout"),
          c.getDuration("client.attempt-timeout"),
          c.getDuration("client.session-ttl"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid kv configuration: " + e.getMessage(), e);
    }
  }

  private static void positive(Duration d, String key) {
    if (d.isZero() || d.isNegative()) throw invalid(key, "must be positive");
  }

  private static IllegalArgumentException invalid(String key, String what) {
    return new IllegalArgumentException("invalid kv configuration: " + key + " " + what);
  }
}
