package io.raftactors.kv.state;

import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.WatchEvent;
import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The key-value store as a Raft {@link StateMachine}: decodes each committed command, applies it
 * to the {@link KvState} (through the session check for exactly-once writes), and answers with
 * the encoded result. Every replica computes the same results and watch events. A malformed
 * command gets an INVALID result on every replica; it never stops the node.
 */
public final class KvStateMachine implements StateMachine {
  private KvState state = new KvState();
  private Sessions sessions = new Sessions();
  private final Consumer<List<WatchEvent>> watchers;
  /** Changes applied since the last {@link #batchApplied}, in order. */
  private List<WatchEvent> unpublished = List.of();
  private final java.util.function.LongConsumer restored;
  /** @param watchers receives the changes of each batch of writes, in order (on the applier's thread) */
  public KvStateMachine(Consumer<List<WatchEvent>> watchers) {
    this(watchers, revision -> {});
  }

  /**
   * @param watchers receives the changes of each batch of writes, in order (on the applier's thread)
   * @param restored told the revision of each snapshot restored (the changes up to it were not
   *     published), from the thread that restores
   */
  public KvStateMachine(Consumer<List<WatchEvent>> watchers, java.util.function.LongConsumer restored) {
    this.watchers = watchers;
    this.restored = restored;
  }

  @Override
  public byte[] apply(CommittedCommand c) {
    KvCodec.Command command;
    try {
      command = KvCodec.decodeCommand(c.command());
    } catch (IllegalArgumentException e) {
      return KvCodec.encode(new KvResult.Failure(KvResult.Failure.Code.INVALID, e.getMessage()));
    }
    state.advanceClock(c.timestamp());
    KvWrite write = command.write();
    if (write instanceof KvWrite.OpenSession open) {
      if (open.ttlMillis() <= 0) {
        return KvCodec.encode(new KvResult.Failure(KvResult.Failure.Code.INVALID, "session TTL must be positive"));
      }
      sessions.open(c.index(), open.ttlMillis(), state.now());
      return KvCodec.encode(new KvResult.SessionResult(c.index(), open.ttlMillis()));
    }
    KvCodec.SessionStamp stamp = command.stamp();
    if (stamp == null) return KvCodec.encode(execute(c.index(), write));
    Sessions.Verdict verdict =
        sessions.check(stamp.session(), stamp.seq(), stamp.firstUnconfirmed(), state.now());
    if (verdict instanceof Sessions.Duplicate d) return d.result();
    if (verdict instanceof Sessions.Refuse r) {
      return KvCodec.encode(new KvResult.Failure(KvResult.Failure.Code.SESSION_EXPIRED, r.reason()));
    }
    byte[] result = KvCodec.encode(execute(c.index(), write));
    sessions.record(((Sessions.Apply) verdict).session(), stamp.seq(), result);
    return result;
  }

  private KvResult execute(long index, KvWrite write) {
    KvResult result;
    if (write instanceof KvWrite.KeepSession) {
      result = new KvResult.Done(state.revision());
    } else {
      if (write instanceof KvWrite.ExpireDue) sessions.expire(state.now());
      result = state.apply(index, write);
    }
    List<WatchEvent> events = state.drainEvents();
    if (!events.isEmpty()) {
      if (unpublished.isEmpty()) unpublished = new ArrayList<>(events);
      else unpublished.addAll(events);
    }
    return result;
  }

  /** Hands the changes of the batch to the watchers at once (one message to the watch hub, not one per write). */
  @Override
  public void batchApplied() {
    if (unpublished.isEmpty()) return;
    List<WatchEvent> events = unpublished;
    unpublished = List.of();
    watchers.accept(events);
  }

  /** Answers a {@link KvQuery}; {@link KvQuery.NextExpiry} answers a Long (0: nothing expires). */
  @Override
  public Object read(Object query) {
    if (query instanceof KvQuery.NextExpiry) {
      long keys = state.nextExpiry();
      long idle = sessions.nextExpiry();
      return keys == 0 ? idle : idle == 0 ? keys : Math.min(keys, idle);
    }
    if (query instanceof KvQuery q) return state.query(q);
    throw new UnsupportedOperationException("not a KV query: " + query);
  }

  /** The store's revision (for tests and status). */
  public long revision() {
    return state.revision();
  }

  /**
   * A point-in-time snapshot of the whole state (revision, clock, leases, sessions, keys): the
   * small parts are copied now, the keys are written a part at a time by a {@link
   * PointInTimeView} while writes go on.
   */
  @Override
  public Snapshot snapshot() {
    java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    try {
      DataOutputStream out = new DataOutputStream(header);
      out.writeInt(SNAPSHOT_VERSION);
      state.writeHeader(out);
      sessions.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a byte array does not fail
    }
    PointInTimeView view = state.startView(header.toByteArray());
    return new Snapshot() {
      @Override
      public boolean writeNext(OutputStream out, int maxBytes) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        boolean more = view.writeNext(data, maxBytes);
        data.flush();
        return more;
      }

      @Override
      public void close() {
        view.close();
      }
    };
  }

  /** 3: fences after the leases; version 2 (without them) is still read. */
  private static final int SNAPSHOT_VERSION = 3;

  /** Writes a whole snapshot at once (the state does not change meanwhile). */
  public void writeSnapshot(OutputStream out) throws IOException {
    Snapshot s = snapshot();
    while (s.writeNext(out, Integer.MAX_VALUE)) {
      // one call writes it all
    }
  }

  /** Replaces the whole state with a snapshot's; all or nothing (read aside, then swapped in). */
  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int version = data.readInt();
    if (version != SNAPSHOT_VERSION && version != 2) throw new IOException("unknown KV snapshot version " + version);
    KvState read = new KvState();
    Sessions restoredSessions = new Sessions();
    read.readHeader(data, version >= 3);
    restoredSessions.readFrom(data);
    read.readKeys(data);
    state.closeView();
    state = read;
    sessions = restoredSessions;
    this.restored.accept(state.revision());
  }
}
