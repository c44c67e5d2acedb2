package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.raft.protocol.InstallSnapshotResponse;
import io.raftactors.raft.protocol.InstallSnapshotResponse.Status;
import io.raftactors.raft.snapshot.SnapshotWriter;

/**
 * A follower's side of InstallSnapshot: writes the chunks of one transfer in order to a {@link
 * SnapshotWriter} (blocking-I/O dispatcher; the file is verified before it is kept), acknowledges
 * each chunk once written (flow control), and installs the snapshot when the last one is saved.
 *
 * <p>A transfer is identified by the leader's term and the snapshot's (index, term). A chunk at an
 * unexpected offset (lost, duplicated or reordered chunks, or this node restarted) is answered
 * with the offset expected; a new transfer abandons the old one; nothing partial is ever
 * restored, so reads never see a partly installed snapshot. Owned by the node actor.
 */
final class SnapshotReceiver {
  private record Transfer(long leaderTerm, String leader, long index, long term, long total,
      ActorRef<SnapshotWriter.Command> writer) {}

  private final NodeContext ctx;
  private ActorRef<SnapshotWriter.Reply> replyTo;
  private Transfer current;
  /** Bytes handed to the writer (the offset expected next). */
  private long nextOffset;
  private int transfers;

  SnapshotReceiver(NodeContext ctx) {
    this.ctx = ctx;
  }

  /** A chunk from the leader of the current term. */
  void onChunk(InstallSnapshot m) {
    if (ctx.snapshots == null) {
      ctx.logger().error("[{}] {} sends a snapshot, but this node keeps none (raft.snapshot.dir)",
          ctx.selfId, m.from());
      reply(m, 0, Status.FAILED);
      return;
    }
    if (m.snapshotIndex() <= ctx.commitIndex.get()) {
      abandon("the node already holds index " + m.snapshotIndex());
      // Durably: the answer says this node holds everything up to the snapshot's index.
      ctx.sendDurably(m.from(), new InstallSnapshotResponse(ctx.currentTerm, ctx.selfId,
          m.snapshotIndex(), m.snapshotTerm(), m.totalBytes(), Status.INSTALLED));
      return;
    }
    if (!isCurrent(m)) {
      if (m.offset() != 0) {
        reply(m, 0, Status.RESEND);
        return;
      }
      abandon("a new transfer started");
      start(m);
    }
    if (m.offset() != nextOffset) {
      reply(m, nextOffset, Status.RESEND);
      return;
    }
    nextOffset += m.data().length;
    current.writer().tell(new SnapshotWriter.Part(m.data(), m.last(), adapter()));
  }

  private boolean isCurrent(InstallSnapshot m) {
    return current != null && current.leaderTerm() == m.term() && current.index() == m.snapshotIndex()
        && current.term() == m.snapshotTerm() && current.total() == m.totalBytes();
  }

  private void start(InstallSnapshot m) {
    ActorRef<SnapshotWriter.Command> writer = ctx.actor.spawn(
        SnapshotWriter.create(ctx.snapshots, m.snapshotIndex(), m.snapshotTerm(), true,
            ctx.settings.snapshotRetain()),
        "snapshot-receiver-" + (++transfers),
        DispatcherSelector.fromConfig(ctx.settings.snapshotDispatcher()));
    current = new Transfer(m.term(), m.from(), m.snapshotIndex(), m.snapshotTerm(), m.totalBytes(), writer);
    nextOffset = 0;
    ctx.logger().info("[{}] receiving snapshot {} (term {}, {} bytes) from {}", ctx.selfId,
        m.snapshotIndex(), m.snapshotTerm(), m.totalBytes(), m.from());
  }

  /** The writer of a transfer answered. */
  void onWriterReply(SnapshotWriter.Reply reply) {
    if (current == null || !reply.writer().equals(current.writer())) {
      // An abandoned transfer; a writer that committed before its abort still saved a valid file.
      if (reply instanceof SnapshotWriter.Saved s) ctx.snapshotFileSaved(s.meta());
      return;
    }
    Transfer t = current;
    if (reply instanceof SnapshotWriter.Written w) {
      send(t, w.bodyBytes(), Status.ACCEPTED);
    } else if (reply instanceof SnapshotWriter.Failed f) {
      ctx.logger().error("[{}] snapshot {} from {} could not be stored: {}", ctx.selfId, t.index(),
          t.leader(), f.reason());
      current = null;
      send(t, 0, Status.FAILED);
    } else if (reply instanceof SnapshotWriter.Saved s) {
      current = null;
      ctx.installSnapshot(s.meta(), SnapshotConfig.decode(s.configuration()));
      // Durably: the answer promises the snapshot, and the journal reset that goes with it.
      ctx.sendDurably(t.leader(), new InstallSnapshotResponse(ctx.currentTerm, ctx.selfId, t.index(),
          t.term(), t.total(), Status.INSTALLED));
    }
  }

  /**
   * Abandons a transfer begun under an older leader (a newer one decides afresh what this node
   * needs), so its partial file does not linger.
   */
  void abandonOlderThan(long term) {
    if (current != null && current.leaderTerm() < term) abandon("a leader of term " + term + " took over");
  }

  private void abandon(String why) {
    if (current == null) return;
    ctx.logger().info("[{}] abandoning the transfer of snapshot {}: {}", ctx.selfId, current.index(), why);
    current.writer().tell(SnapshotWriter.Abort.INSTANCE);
    current = null;
  }

  private ActorRef<SnapshotWriter.Reply> adapter() {
    if (replyTo == null) {
      replyTo = ctx.actor.messageAdapter(SnapshotWriter.Reply.class, Internal.ReceivedPart::new);
    }
    return replyTo;
  }

  private void reply(InstallSnapshot m, long offset, Status status) {
    ctx.send(m.from(), new InstallSnapshotResponse(ctx.currentTerm, ctx.selfId, m.snapshotIndex(),
        m.snapshotTerm(), offset, status));
  }

  private void send(Transfer t, long offset, Status status) {
    ctx.send(t.leader(), new InstallSnapshotResponse(ctx.currentTerm, ctx.selfId, t.index(), t.term(),
        offset, status));
  }
}
