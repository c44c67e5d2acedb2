package io.raftactors.kv;

import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.RaftSerializable;
import java.util.List;

/** What a watch subscriber receives (see {@link KvCommand.Watch}). */
public sealed interface WatchMessage extends RaftSerializable
    permits WatchMessage.Subscribed, WatchMessage.Events, WatchMessage.Cancelled {

  /** The watch is set up; events start at {@code fromRevision}. */
  record Subscribed(long watchId, long fromRevision) implements WatchMessage {}

  /**
   * The next changes, in order, with no gaps (encoded; see {@link #decoded()}). Acknowledge them
   * with {@link KvCommand.WatchAck} to receive more.
   */
  record Events(long watchId, byte[] events) implements WatchMessage {
    public List<WatchEvent> decoded() {
      return KvCodec.decodeEvents(events);
    }
  }

  /**
   * The watch ended. With {@code resumeFromRevision > 0} it fell behind (it did not acknowledge
   * fast enough, or asked for revisions no longer kept): subscribe again from that revision (or
   * read the current state and watch from its revision + 1) to continue without gaps.
   */
  record Cancelled(long watchId, String reason, long resumeFromRevision) implements WatchMessage {}
}
