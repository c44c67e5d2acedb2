package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.raft.metrics.CounterFamily;
import io.raftactors.raft.metrics.MetricRegistry;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The RESP front end's counters in the node's registry: commands by name and error replies by
 * their first word. Labels come from fixed sets whatever clients send (a name the server does not
 * know counts as {@code unknown}, an error code outside {@link #ERROR_PREFIXES} as {@code other}),
 * so a client cannot grow the registry. Counting a command or a reply allocates nothing.
 */
final class RespMetrics {
  /** The error codes this server replies with; scripts may return others ({@code other}). */
  static final List<String> ERROR_PREFIXES = List.of("ERR", "WRONGTYPE", "NOAUTH", "WRONGPASS", "NOPROTO",
      "TRYAGAIN", "TIMEOUT", "FENCED", "EXECABORT", "NOSCRIPT", "NOTBUSY");

  /** Lowercase labels of the known command names met so far (bounded by the server's commands). */
  private static final ConcurrentMap<String, String> LABELS = new ConcurrentHashMap<>();

  private final CounterFamily commands;
  private final CounterFamily errors;

  RespMetrics(MetricRegistry registry) {
    commands = registry.counterFamily("kv_resp_commands_total",
        "RESP commands received, by name (lowercase; unknown: a name the server does not know).", "command");
    errors = registry.counterFamily("kv_resp_errors_total",
        "RESP error replies, by their error code (other: a code the server itself does not use).", "prefix");
  }

  /** A command arrived; {@code name} is uppercase, {@code known} whether the server has it. */
  void command(String name, boolean known) {
    commands.labels(known ? LABELS.computeIfAbsent(name, n -> n.toLowerCase(Locale.ROOT)) : "unknown").increment();
  }

  /** A reply is written: counted if it is an error. */
  void replied(ByteString reply) {
    if (!reply.isEmpty() && reply.apply(0) == '-') errors.labels(prefixOf(reply)).increment();
  }

  /** The error code of an error reply ({@code -CODE message\r\n}), if a known one, else {@code other}. */
  static String prefixOf(ByteString reply) {
    for (String p : ERROR_PREFIXES) {
      int n = p.length();
      if (reply.length() <= n + 1) continue;
      byte after = reply.apply(n + 1);
      if (after != ' ' && after != '\r') continue;
      int i = 0;
      while (i < n && reply.apply(i + 1) == p.charAt(i)) i++;
      if (i == n) return p;
    }
    return "other";
  }
}
