package io.raftactors.kv.node;

import com.typesafe.config.Config;
import io.raftactors.kv.http.HttpSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Before a node starts anything: every address it will listen on (Artery, RESP, the console) can
 * be bound, or the node stops with a message naming the setting. Without this a taken console port
 * was found only after the replica had started voting and RESP serving, and a taken Artery port
 * ended in a stack trace.
 */
final class ListenPorts {
  private ListenPorts() {}

  /** Thrown when one is taken (or cannot be bound at all). */
  static final class InUse extends Exception {
    InUse(String message) {
      super(message);
    }
  }

  /**
   * Throws {@link InUse} for an address that cannot be bound, and IllegalArgumentException for a
   * setting that is malformed ({@code kv.http.*}, {@code akka.remote.artery.bind.port}).
   */
  static void check(NodeConfig node) throws InUse {
    Config c = node.config();
    String bindHost = c.getString("akka.remote.artery.bind.hostname");
    String bindPort = c.getString("akka.remote.artery.bind.port");
    String host = bindHost.isBlank() ? c.getString("akka.remote.artery.canonical.hostname") : bindHost;
    if (bindPort.isBlank()) {
      free("akka.remote.artery.canonical.port", artery(host), c.getInt("akka.remote.artery.canonical.port"));
    } else {
      free("akka.remote.artery.bind.port", artery(host), port("akka.remote.artery.bind.port", bindPort));
    }
    free("kv.resp.port", node.resp().host(), node.resp().port());
    HttpSettings http = HttpSettings.fromRoot(c);
    if (http.enabled()) free("kv.http.port", http.host(), http.port());
  }

  /** Artery's host names, with the two placeholders it accepts resolved as it resolves them. */
  private static String artery(String host) {
    if (!host.equals("<getHostAddress>") && !host.equals("<getHostName>")) return host;
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid configuration: akka.remote.artery " + host
          + " cannot be resolved: " + e.getMessage());
    }
  }

  private static int port(String key, String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("invalid configuration: " + key + " must be a port in [0, 65535], not '"
        + value + "'");
  }

  private static void free(String key, String host, int port) throws InUse {
    if (port == 0) return; // any free port
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the listeners themselves: a port in TIME_WAIT is not taken
      s.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      boolean taken = String.valueOf(e.getMessage()).contains("in use");
      throw new InUse("cannot listen on " + host + ":" + port + " (" + key + "): " + e.getMessage()
          + (taken ? "; is another node or program using it?" : ""));
    } catch (IOException e) {
      throw new InUse("cannot listen on " + host + ":" + port + " (" + key + "): " + e);
    }
  }
}
