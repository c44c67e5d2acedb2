package io.raftactors.kv.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.raftactors.kv.resp.RespSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node is started with, read from its configuration and checked: every problem names the
 * key. The keys are a public contract (tools start nodes with them):
 *
 * <ul>
 *   <li>{@code raft.node-id}: this node's id;
 *   <li>{@code raft.members}: the voting members the cluster started with, as {@code
 *       "id@host:port"} (host:port = that node's Artery address), a list or one comma-separated
 *       string. A node not listed joins an existing cluster: it starts as a non-member and waits
 *       for {@code RAFT.ADDLEARNER id host:port} (its Artery address);
 *   <li>{@code raft.data-dir}; {@code akka.remote.artery.canonical.hostname} / {@code .port};
 *       {@code kv.resp.host} / {@code .port}; {@code kv.http.host} / {@code .port} (the HTTP console).
 * </ul>
 */
public record NodeConfig(String nodeId, Map<String, String> members, Path dataDir, RespSettings resp, Config config) {
  /** The actor system name every node uses: members find each other by it. */
  public static final String SYSTEM = "raft-kv";
  private static final Pattern MEMBER = Pattern.compile("([^@\\s]+)@([^:\\s]+):(\\d{1,5})");

  /**
   * The node's configuration: system properties, then {@code -Dconfig.file} (or application.conf),
   * then the node defaults ({@code raft-kv-node.conf}), then the reference settings.
   */
  public static Config loadConfig() {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.parseResources("raft-kv-node.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  public static NodeConfig from(Config c) {
    String nodeId = string(c, "raft.node-id");
    if (nodeId.isBlank()) throw invalid("raft.node-id", "must be set (e.g. -Draft.node-id=n1)");
    Map<String, String> members = members(c);
    String address = members.get(nodeId);
    String host = string(c, "akka.remote.artery.canonical.hostname");
    int port = integer(c, "akka.remote.artery.canonical.port");
    if (address == null) {
      // Joining: not in the initial configuration; it waits to be added (RAFT.ADDLEARNER).
      members.forEach((id, a) -> {
        if (a.equals(host + ":" + port)) {
          throw invalid("raft.members", "lists " + id + " at " + a + ", this node's own address"
              + " (akka.remote.artery.canonical), but this node is '" + nodeId + "'");
        }
      });
    } else if (!address.equals(host + ":" + port)) {
      throw invalid("raft.members", "says " + nodeId + " is at " + address
          + " but akka.remote.artery.canonical is " + host + ":" + port);
    }
    Path dataDir = Path.of(string(c, "raft.data-dir"));
    return new NodeConfig(nodeId, members, dataDir, RespSettings.fromRoot(c), c);
  }

  /** Whether this node is outside the initial configuration (it waits to be added). */
  public boolean joining() {
    return !members.containsKey(nodeId);
  }

  /** This node's Artery address, {@code host:port}: how other members reach it. */
  public String selfAddress() {
    return config.getString("akka.remote.artery.canonical.hostname") + ":"
        + config.getInt("akka.remote.artery.canonical.port");
  }

  /** The actor path of the Raft node of a member at {@code address} ({@code host:port}). */
  public static String raftPath(String address) {
    return "akka://" + SYSTEM + "@" + address + "/user/kv/raft";
  }

  /** Member id to the actor path of its Raft node. */
  public Map<String, String> raftPaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    members.forEach((id, address) -> paths.put(id, raftPath(address)));
    return paths;
  }

  public List<String> memberIds() {
    return new ArrayList<>(members.keySet());
  }

  private static Map<String, String> members(Config c) {
    List<String> entries;
    try {
      entries = c.getValue("raft.members").valueType() == ConfigValueType.LIST
          ? c.getStringList("raft.members")
          : List.of(c.getString("raft.members").split(","));
    } catch (ConfigException.Missing e) {
      throw invalid("raft.members", "must be set, e.g. [\"n1@127.0.0.1:2551\", \"n2@127.0.0.1:2552\", ...]");
    } catch (ConfigException e) {
      throw invalid("raft.members", "must be a list of \"id@host:port\" or one comma-separated string");
    }
    Map<String, String> members = new LinkedHashMap<>();
    Set<String> addresses = new HashSet<>();
    for (String raw : entries) {
      String entry = raw.trim();
      if (entry.isEmpty()) continue;
      Matcher m = MEMBER.matcher(entry);
      if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
        throw invalid("raft.members", "entry '" + entry + "' is not \"id@host:port\"");
      }
      String address = m.group(2) + ":" + m.group(3);
      if (members.put(m.group(1), address) != null) throw invalid("raft.members", "lists '" + m.group(1) + "' twice");
      if (!addresses.add(address)) throw invalid("raft.members", "lists address " + address + " twice");
    }
    if (members.isEmpty()) throw invalid("raft.members", "is empty");
    return members;
  }

  private static String string(Config c, String key) {
    try {
      return c.getString(key);
    } catch (ConfigException.Missing e) {
      throw invalid(key, "must be set");
    } catch (ConfigException e) {
      throw invalid(key, "must be a string: " + e.getMessage());
    }
  }

  private static int integer(Config c, String key) {
    try {
      return c.getInt(key);
    } catch (ConfigException e) {
      throw invalid(key, "must be a number: " + e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String key, String what) {
    return new IllegalArgumentException("invalid configuration: " + key + " " + what);
  }
}
