package io.raftactors.kv.resp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * Settings of the Redis-protocol front end ({@code kv.resp} in reference.conf).
 *
 * @param password {@code requirepass}: empty for none
 * @param idleTimeout close connections idle this long (zero: never, as Redis's default)
 * @param pipelineDepth commands of one connection in progress at once
 */
public record RespSettings(
    String host,
    int port,
    String password,
    long maxBulkLength,
    int maxMultibulkLength,
    int maxConnections,
    Duration idleTimeout,
    int pipelineDepth,
    Duration requestTimeout) {

  public RespSettings {
    if (port < 0 || port > 65535) throw invalid("kv.resp.port", "must be in [0, 65535]");
    if (maxBulkLength < 1) throw invalid("kv.resp.max-bulk-length", "must be positive");
    if (maxMultibulkLength < 1) throw invalid("kv.resp.max-multibulk-length", "must be positive");
    if (maxConnections < 1) throw invalid("kv.resp.max-connections", "must be positive");
    if (pipelineDepth < 1) throw invalid("kv.resp.pipeline-depth", "must be positive");
  }

  public static RespSettings fromRoot(Config root) {
    try {
      // Full paths, so that an error names the key as the user wrote it.
      String p = "kv.resp.";
      return new RespSettings(root.getString(p + "host"), root.getInt(p + "port"), root.getString(p + "password"),
          root.getBytes(p + "max-bulk-length"), root.getInt(p + "max-multibulk-length"),
          root.getInt(p + "max-connections"), root.getDuration(p + "idle-timeout"), root.getInt(p + "pipeline-depth"),
          root.getDuration("kv.request-timeout"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid kv configuration: " + e.getMessage(), e);
    }
  }

  /** Compares in constant time, so the comparison does not leak how much of a guess was right. */
  boolean passwordMatches(String attempt) {
    return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
        attempt.getBytes(StandardCharsets.UTF_8));
  }

  private static IllegalArgumentException invalid(String key, String what) {
    return new IllegalArgumentException("invalid kv configuration: " + key + " " + what);
  }
}
