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
    permits KvCommand.Write, KvCommand.Query, KvCommand.Watch, KvCommand.WatchAck, KvCommand.CancelWatch {

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

  /** A write without a session (a retry after an unknown outcome may apply it twice). */
  static Write write(KvWrite write, ActorRef<KvResponse> replyTo) {
    return new Write(KvCodec.encode(new KvCodec.Command(null, write)), replyTo);
  }

  /** A write of a client session: retried with the same stamp, it is applied at most once. */
  static Write write(KvWrite write, KvCodec.SessionStamp stamp, ActorRef<KvResponse> replyTo) {
    return new Write(KvCodec.encode(new KvCodec.Command(stamp, write)), replyTo);
  }

  static Query query(KvQuery query, ReadConsistency consistency, ActorRef<KvResponse> replyTo) {
    return new Query(KvCodec.encode(query), consistency, replyTo);
  }
}
