package io.raftactors.kv.resp;

import akka.util.ByteString;
import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.Membership;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.TransferResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Cluster administration over RESP (public contract names): {@code RAFT.ADDLEARNER id host:port},
 * {@code RAFT.PROMOTE id}, {@code RAFT.REMOVE id}, {@code RAFT.TRANSFER id}. Any member takes them
 * and forwards them to the leader. {@code +OK} once done (a membership change committed; a new
 * leader's term begun); {@code -TRYAGAIN} when certainly not done and worth retrying (no leader,
 * another change in progress, a learner still catching up); {@code -ERR} when the request does
 * not fit the cluster; {@code -TIMEOUT} when a change (or transfer) may or may not have been made.
 */
final class AdminCommands {
  static final java.util.Set<String> NAMES = java.util.Set.of(
      "RAFT.ADDLEARNER", "RAFT.PROMOTE", "RAFT.REMOVE", "RAFT.TRANSFER");
  /** host:port, host a name or an IPv4 address, or an IPv6 address in brackets. */
  private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");

  private final RespSession session;

  AdminCommands(RespSession session) {
    this.session = session;
  }

  CompletionStage<ByteString> run(String name, List<byte[]> args) {
    String lower = name.toLowerCase(Locale.ROOT);
    int expected = name.equals("RAFT.ADDLEARNER") ? 3 : 2;
    if (args.size() != expected) return done(RespSession.wrongArity(lower));
    String id = text(args.get(1));
    try {
      Membership.checkId(id);
    } catch (IllegalArgumentException e) {
      return done(Resp.error("ERR " + e.getMessage()));
    }
    return switch (name) {
      case "RAFT.ADDLEARNER" -> {
        String address = text(args.get(2));
        var m = ADDRESS.matcher(address);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
          yield done(Resp.error("ERR address '" + address + "' is not host:port (the new node's "
              + "akka.remote.artery.canonical hostname and port)"));
        }
        yield change(ChangeMembership.Kind.ADD_LEARNER, id, address);
      }
      case "RAFT.PROMOTE" -> change(ChangeMembership.Kind.PROMOTE, id, null);
      case "RAFT.REMOVE" -> change(ChangeMembership.Kind.REMOVE, id, null);
      case "RAFT.TRANSFER" -> session.backend.transferLeadership(id).handle((r, e) -> e == null
          ? transferReply(r)
          : Resp.error("TIMEOUT no answer in time: leadership may or may not have moved; INFO raft shows who leads"));
      default -> done(Resp.error("ERR unknown command '" + lower + "'"));
    };
  }

  private CompletionStage<ByteString> change(ChangeMembership.Kind kind, String id, String address) {
    return session.backend.changeMembership(kind, id, address).thenApply(r -> {
      if (r instanceof ProposeResult.Applied) return Resp.OK;
      if (r instanceof ProposeResult.Rejected rej) {
        return Resp.error((rej.reason() == RejectReason.INVALID ? "ERR " : "TRYAGAIN ") + rej.message());
      }
      return Resp.error("TIMEOUT the change may or may not have been made: "
          + ((ProposeResult.Unknown) r).message() + "; INFO raft shows the configuration");
    });
  }

  private static ByteString transferReply(TransferResult r) {
    if (r instanceof TransferResult.Transferred) return Resp.OK;
    TransferResult.NotTransferred no = (TransferResult.NotTransferred) r;
    return Resp.error((no.reason() == RejectReason.INVALID ? "ERR " : "TRYAGAIN ") + no.message());
  }

  private static CompletionStage<ByteString> done(ByteString reply) {
    return CompletableFuture.completedFuture(reply);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
