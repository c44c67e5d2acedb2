package io.raftactors.kv;

import akka.actor.typed.ActorRef;
import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.RaftSerializable;
import io.raftactors.raft.ReadConsistency;

/**
 * The Akka-native protocol of a KV replica ({@link KvNode}): send these to any replica's {@code
 * ActorRef<KvCommand>}, local or remote. Writes and queries travel in the store's compact binary
 * encoding; build them with the factories ({@link #write}, {@link #query}), read answers with
 * {@link KvResponse#result()}.
 */
public sealed interface KvCommand extends RaftSerializable
    permits KvCommand.Write, KvCommand.Query, KvCommand.Watch, KvCommand.WatchAck, KvCommand.CancelWatch,
        KvCommand.Admin, KvCommand.GetMetrics {

  /** Asks the replica for its metrics (its node's counters, gauges and histogram totals). */
  record GetMetrics(ActorRef<MetricsReport> replyTo) implements KvCommand {}

  /** A write; {@code command} is a {@link KvCodec.Command} (a write and its session stamp, if any). */
  record Write(byte[] command, ActorRef<KvResponse> replyTo) implements KvCommand {}

  /** A read at the given consistency; {@code query} is an encoded {@link KvQuery}. */
  record Query(byte[] query, ReadConsistency consistency, ActorRef<KvResponse> replyTo)
      implements KvCommand {}

  /**
   * Watches {@code key} (or every key starting with it, with {@code prefix}) from {@code
   * fromRevision} on (0: from the next change). The subscriber gets {@link WatchMessage}s and must
   * acknowledge delivered events with {@link WatchAck}.
   */
  record Watch(byte[] key, boolean prefix, long fromRevision, ActorRef<WatchMessage> subscriber)
      implements KvCommand {
    public Bytes watchedKey() {
      return Bytes.of(key);
    }
  }

  /** The subscriber of watch {@code watchId} processed {@code events} more events. */
  record WatchAck(long watchId, int events) implements KvCommand {}

  record CancelWatch(long watchId) implements KvCommand {}

  /**
   * Cluster administration, handed to the replica's Raft node: exactly one of a {@link
   * io.raftactors.raft.ChangeMembership}, {@link io.raftactors.raft.TransferLeadership} or {@link
   * io.raftactors.raft.GetStatus} (concrete fields, so it crosses the network as they do). {@link
   * KvClient#admin()} sends these.
   */
  record Admin(io.raftactors.raft.ChangeMembership change, io.raftactors.raft.TransferLeadership transfer,
      io.raftactors.raft.GetStatus status) implements KvCommand {
    public Admin {
      int given = (change != null ? 1 : 0) + (transfer != null ? 1 : 0) + (status != null ? 1 : 0);
      if (given != 1) throw new IllegalArgumentException("an Admin command carries exactly one request");
    }

    /** Wraps one of the three administrative commands. */
    public static Admin of(io.raftactors.raft.RaftNode.Command command) {
      if (command instanceof io.raftactors.raft.ChangeMembership c) return new Admin(c, null, null);
      if (command instanceof io.raftactors.raft.TransferLeadership t) return new Admin(null, t, null);
      if (command instanceof io.raftactors.raft.GetStatus g) return new Admin(null, null, g);
      throw new IllegalArgumentException("not an administrative command: " + command);
    }

    public io.raftactors.raft.RaftNode.Command command() {
      return change != null ? change : transfer != null ? transfer : status;
    }
  }

  /** A write without a session (a retry after an unknown outcome may apply it twice). */
  static Write write(KvWrite write, ActorRef<KvResponse> replyTo) {
    return new Write(KvCodec.encode(new KvCodec.Command(null, write)), replyTo);
  }

  /** A write of a client session: retried with the same stamp, it is applied at most once. */
  static Write write(KvWrite write, KvCodec.SessionStamp stamp, ActorRef<KvResponse> replyTo) {
    return new Write(KvCodec.encode(new KvCodec.Command(stamp, write)), replyTo);
  }

  /** A read of {@code query} at {@code consistency}. */
  public static Query query(KvQuery query, ReadConsistency consistency, ActorRef<KvResponse> replyTo) {
    return new Query(KvCodec.encode(query), consistency, replyTo);
  }
}
