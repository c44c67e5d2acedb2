package io.raftactors.kv.resp;

import static io.raftactors.kv.resp.RespSession.text;
import static io.raftactors.kv.resp.RespSession.wrongArity;

import akka.util.ByteString;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResponse;
import io.raftactors.kv.KvResult;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ReadConsistency;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Connection and server commands: PING, ECHO, SELECT, COMMAND, CONFIG, CLIENT, INFO, READCONSISTENCY. */
final class ServerCommands {
  /** The Redis version reported to clients (they choose features by it). */
  static final String REDIS_VERSION = "7.2.0";
  private static final long STARTED = System.currentTimeMillis();

  private final RespSession session;

  ServerCommands(RespSession session) {
    this.session = session;
  }

  ByteString local(String name, List<byte[]> args) {
    int n = args.size();
    return switch (name) {
      case "PING" -> n == 1 ? Resp.simple("PONG") : n == 2 ? Resp.bulk(args.get(1)) : wrongArity(name);
      case "ECHO" -> n == 2 ? Resp.bulk(args.get(1)) : wrongArity(name);
      case "SELECT" -> n != 2 ? wrongArity(name)
          : text(args.get(1)).equals("0") ? Resp.OK : Resp.error("ERR DB index is out of range");
      case "COMMAND" -> command(args);
      case "CONFIG" -> config(args);
      case "CLIENT" -> client(args);
      case "READCONSISTENCY" -> readConsistency(args);
      // No pub/sub here: nobody can be subscribed, so a message reaches no one (scripts that
      // publish, such as Redisson's unlock, still run).
      case "PUBLISH" -> args.size() != 3 ? RespSession.wrongArity("publish") : Resp.integer(0);
      default -> RespSession.unknown(name, args);
    };
  }

  private ByteString command(List<byte[]> args) {
    if (args.size() == 1) return Resp.EMPTY_ARRAY;
    return switch (text(args.get(1)).toUpperCase(Locale.ROOT)) {
      case "DOCS", "INFO", "LIST" -> Resp.EMPTY_ARRAY;
      case "COUNT" -> Resp.integer(0);
      default -> Resp.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try COMMAND HELP.");
    };
  }

  /** CONFIG GET answers what clients and tools ask at start; nothing can be set at run time. */
  private ByteString config(List<byte[]> args) {
    if (args.size() < 2) return wrongArity("config");
    String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
    if (sub.equals("GET")) {
      if (args.size() != 3) return wrongArity("config|get");
      String param = text(args.get(2)).toLowerCase(Locale.ROOT);
      return switch (param) {
        case "save" -> Resp.array(List.of("save".getBytes(), new byte[0]));
        case "appendonly" -> Resp.array(List.of("appendonly".getBytes(), "yes".getBytes()));
        case "databases" -> Resp.array(List.of("databases".getBytes(), "1".getBytes()));
        case "maxmemory" -> Resp.array(List.of("maxmemory".getBytes(), "0".getBytes()));
        default -> Resp.EMPTY_ARRAY;
      };
    }
    if (sub.equals("SET")) return Resp.error("ERR CONFIG SET is not supported; configure the node's config file");
    if (sub.equals("RESETSTAT")) return Resp.OK;
    return Resp.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try CONFIG HELP.");
  }

  private ByteString client(List<byte[]> args) {
    if (args.size() < 2) return wrongArity("client");
    return switch (text(args.get(1)).toUpperCase(Locale.ROOT)) {
      case "SETNAME" -> {
        if (args.size() != 3) yield wrongArity("client|setname");
        session.clientName = text(args.get(2));
        yield Resp.OK;
      }
      case "GETNAME" -> Resp.bulk(session.clientName);
      case "ID" -> Resp.integer(session.clientId);
      case "SETINFO" -> args.size() == 4 ? Resp.OK : wrongArity("client|setinfo");
      default -> Resp.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try CLIENT HELP.");
    };
  }

  /** READCONSISTENCY [linearizable|lease|stale]: this connection's read level (default linearizable). */
  private ByteString readConsistency(List<byte[]> args) {
    if (args.size() == 1) return Resp.bulk(session.consistency.name().toLowerCase(Locale.ROOT));
    if (args.size() != 2) return wrongArity("readconsistency");
    try {
      session.consistency = ReadConsistency.valueOf(text(args.get(1)).toUpperCase(Locale.ROOT));
      return Resp.OK;
    } catch (IllegalArgumentException e) {
      return Resp.error("ERR read consistency must be linearizable, lease or stale");
    }
  }

  /** INFO [server|raft|raftstats|keyspace|all]; {@code INFO raft} fields are a public contract. */
  CompletionStage<ByteString> info(List<byte[]> args) {
    String section = args.size() > 1 ? text(args.get(1)).toLowerCase(Locale.ROOT) : "all";
    boolean all = section.equals("all") || section.equals("default") || section.equals("everything");
    StringBuilder sb = new StringBuilder();
    if (all || section.equals("server")) {
      sb.append("# Server\r\n")
          .append("redis_version:").append(REDIS_VERSION).append("\r\n")
          .append("raft_actors_version:0.1.0\r\n")
          .append("redis_mode:standalone\r\n")
          .append("process_id:").append(ProcessHandle.current().pid()).append("\r\n")
          .append("tcp_port:").append(session.settings.port()).append("\r\n")
          .append("uptime_in_seconds:").append((System.currentTimeMillis() - STARTED) / 1000).append("\r\n")
          .append("java_version:").append(Runtime.version()).append("\r\n")
          .append("jvm_uptime_ms:").append(ManagementFactory.getRuntimeMXBean().getUptime()).append("\r\n\r\n");
    }
    CompletionStage<String> raft = all || section.equals("raft")
        ? session.backend.status().thenApply(ServerCommands::raftSection)
            .exceptionally(e -> "# Raft\r\nrole:unknown\r\n\r\n")
        : CompletableFuture.completedFuture("");
    CompletionStage<String> keyspace = all || section.equals("keyspace")
        ? session.backend.query(new KvQuery.Count(), ReadConsistency.STALE).thenApply(r -> {
            long keys = r instanceof KvResponse.Done d ? ((KvResult.CountResult) d.decoded()).keys() : 0;
            return "# Keyspace\r\n" + (keys > 0 ? "db0:keys=" + keys + ",expires=0,avg_ttl=0\r\n" : "") + "\r\n";
          })
        : CompletableFuture.completedFuture("");
    String stats = all || section.equals("raftstats") ? RaftStatsSection.render(session.backend.metrics()) : "";
    return raft.thenCombine(keyspace, (r, k) -> Resp.bulk(sb + r + stats + k));
  }

  private static String raftSection(NodeStatus s) {
    return "# Raft\r\n"
        + "node_id:" + s.nodeId() + "\r\n"
        + "role:" + (s.isLearner() ? "learner" : s.role().externalName()) + "\r\n"
        + "term:" + s.term() + "\r\n"
        + "leader_id:" + (s.leaderId() == null ? "" : s.leaderId()) + "\r\n"
        + "commit_index:" + s.commitIndex() + "\r\n"
        + "last_applied:" + s.lastApplied() + "\r\n"
        + "last_log_index:" + s.lastLogIndex() + "\r\n"
        + "first_log_index:" + s.firstLogIndex() + "\r\n"
        + "snapshot_index:" + s.snapshotIndex() + "\r\n"
        + "members:" + String.join(",", s.members()) + "\r\n"
        + "learners:" + String.join(",", s.learners()) + "\r\n"
        + "member_role:" + (s.isVoter() ? "voter" : s.isLearner() ? "learner" : "none") + "\r\n"
        + "config_index:" + s.configIndex() + "\r\n\r\n";
  }
}
