package io.raftactors.kv;

import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftSerializable;
import io.raftactors.raft.ReadResult;

/**
 * A replica's answer to a {@link KvCommand.Write} or {@link KvCommand.Query}.
 *
 * <ul>
 *   <li>{@link Done}: the write was applied (its result may be a {@link KvResult.Failure}, e.g.
 *       INCR of a non-integer, which changed nothing), or the query was answered;
 *   <li>{@link NotApplied}: it certainly had no effect (no leader, overloaded, ...); safe to retry;
 *   <li>{@link Unknown}: a write whose outcome is unknown (it may still be applied); retry it with
 *       the same session stamp to be sure it applies once.
 * </ul>
 */
public sealed interface KvResponse extends RaftSerializable
    permits KvResponse.Done, KvResponse.NotApplied, KvResponse.Unknown {

  /**
   * @param encodedResult the encoded {@link KvResult}
   * @param index the log index the write was applied at, or the applied index a read was served at
   * @param staleMillis for a STALE read on a follower: how long since it heard from the leader
   */
  record Done(byte[] encodedResult, long index, long staleMillis) implements KvResponse {
    /** The decoded result. */
    public KvResult decoded() {
      return KvCodec.decodeResult(encodedResult);
    }
  }

  /**
   * @param reason NO_LEADER, OVERLOADED, TOO_LARGE, NOT_COMMITTED, TIMEOUT (reads only),
   *     UNSUPPORTED
   * @param leaderHint the leader if the replica knows it, else null
   */
  record NotApplied(String reason, String message, String leaderHint) implements KvResponse {}

  record Unknown(String message) implements KvResponse {}

  /** The answer to a write, from the Raft node's answer to its proposal. */
  static KvResponse of(ProposeResult result) {
    if (result instanceof ProposeResult.Applied a) return new Done(a.result(), a.index(), 0);
    if (result instanceof ProposeResult.Rejected r) return new NotApplied(r.reason().name(), r.message(), r.leaderHint());
    return new Unknown(((ProposeResult.Unknown) result).message());
  }

  /** The answer to a query, from the Raft node's answer to the read. */
  static KvResponse of(ReadResult result) {
    if (result instanceof ReadResult.Ok ok) {
      return new Done(KvCodec.encode((KvResult) ok.value()), ok.appliedIndex(), ok.millisSinceLeaderContact());
    }
    ReadResult.Failed f = (ReadResult.Failed) result;
    return new NotApplied(f.reason().name(), f.message(), f.leaderHint());
  }

  /** The result of a {@link Done}; throws for the other answers. */
  default KvResult result() {
    if (this instanceof Done d) return d.decoded();
    throw new IllegalStateException("no result: " + this);
  }
}
