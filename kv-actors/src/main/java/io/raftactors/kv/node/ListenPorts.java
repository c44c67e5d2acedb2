package io.raftactors.kv.node;

import com.typesafe.config.Config;
import io.raftactors.kv.http.HttpSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

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

  static void check(NodeConfig node) throws InUse {
    Config c = node.config();
    String arteryHost = bindOr(c, "hostname", c.getString("akka.remote.artery.canonical.hostname"));
    String arteryPort = bindOr(c, "port", c.getString("akka.remote.artery.canonical.port"));
    free("akka.remote.artery.canonical.port", arteryHost, Integer.parseInt(arteryPort));
    free("kv.resp.port", node.resp().host(), node.resp().port());
    HttpSettings http = HttpSettings.fromRoot(c);
    if (http.enabled()) free("kv.http.port", http.host(), http.port());
  }

  /** Artery binds to {@code bind.<key>} when set, else to the canonical address. */
  private static String bindOr(Config c, String key, String canonical) {
    String bind = c.hasPath("akka.remote.artery.bind." + key) ? c.getString("akka.remote.artery.bind." + key) : "";
    return bind.isBlank() ? canonical : bind;
  }

  private static void free(String key, String host, int port) throws InUse {
    if (port == 0) return; // any free port
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the listeners themselves: a port in TIME_WAIT is not taken
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new InUse("cannot listen on " + host + ":" + port + " (" + key + "): " + e.getMessage()
          + "; is another node or program using it?");
    }
  }
}
