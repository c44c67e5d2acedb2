package io.raftactors.kv.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Settings of a node's HTTP console ({@code kv.http} in reference.conf; {@code kv.http.host} and
 * {@code kv.http.port} are a public contract).
 *
 * @param password {@code kv.resp.password}: the console asks for the same one; empty for none
 */
public record HttpSettings(boolean enabled, String host, int port, Duration updateInterval, Duration memberTimeout,
    String password) {

  public HttpSettings {
    if (port < 0 || port > 65535) throw invalid("kv.http.port", "must be in [0, 65535]");
    if (updateInterval.toMillis() < 50) throw invalid("kv.http.update-interval", "must be at least 50ms");
    if (memberTimeout.toMillis() < 10) throw invalid("kv.http.member-timeout", "must be at least 10ms");
  }

  public static HttpSettings fromRoot(Config root) {
    try {
      String p = "kv.http.";
      return new HttpSettings(root.getBoolean(p + "enabled"), root.getString(p + "host"), root.getInt(p + "port"),
          root.getDuration(p + "update-interval"), root.getDuration(p + "member-timeout"),
          root.getString("kv.resp.password"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid kv configuration: " + e.getMessage(), e);
    }
  }

  /** The same settings on another port (several nodes in one JVM). */
  public HttpSettings withPort(int port) {
    return new HttpSettings(enabled, host, port, updateInterval, memberTimeout, password);
  }

  private static IllegalArgumentException invalid(String key, String what) {
    return new IllegalArgumentException("invalid kv configuration: " + key + " " + what);
  }
}
