package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.snapshot.SnapshotStore;
import io.raftactors.raft.snapshot.SnapshotWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * The applier's snapshots: decides when to take one (bytes applied since the last one past {@code
 * raft.snapshot.bytes}, or entries past {@code raft.snapshot.entries} once their bytes are at least
 * {@code raft.snapshot.log-ratio} of the last snapshot's size), has the state machine write it in parts between
 * applies, and sends each part to a {@link SnapshotWriter} on the blocking-I/O dispatcher, one
 * part in flight at a time, so neither the applier nor the heap holds a whole snapshot. Owned by
 * the applier actor (single-threaded).
 */
final class SnapshotTaker {
  private static final long RETRY_AFTER_FAILURE_NANOS = 10_000_000_000L;

  private final ActorContext<Applier.Command> ctx;
  private final StateMachine stateMachine;
  private final SnapshotStore store;
  private final RaftSettings settings;
  private final ActorRef<SnapshotWriter.Reply> replyTo;
  private final Executor blockingIo;
  private final ByteArrayOutputStream part = new ByteArrayOutputStream();
  private final SnapshotMetrics metrics;

  /** The cluster configuration as applied so far ({@link SnapshotConfig}), written into every snapshot. */
  private byte[] configuration;
  private long entriesSince;
  private long bytesSince;
  /** Size of the newest snapshot taken or restored (0: none yet). */
  private long lastSnapshotBytes;
  /** What was counted when the current snapshot started: given back if it fails. */
  private long entriesAtStart;
  private long bytesAtStart;
  private long retryAtNanos;
  private boolean unsupported;
  private int taken;

  /** The snapshot being written, or null. */
  private StateMachine.Snapshot current;
  private ActorRef<SnapshotWriter.Command> writer;
  private long currentIndex;
  private long startedNanos;
  private boolean partInFlight;

  SnapshotTaker(ActorContext<Applier.Command> ctx, StateMachine stateMachine, SnapshotStore store,
      RaftSettings settings, ActorRef<SnapshotWriter.Reply> replyTo, byte[] initialConfiguration,
      SnapshotMetrics metrics) {
    this.ctx = ctx;
    this.metrics = metrics;
    this.configuration = initialConfiguration;
    this.stateMachine = stateMachine;
    this.store = store;
    this.settings = settings;
    this.replyTo = replyTo;
    this.blockingIo = ctx.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig(settings.snapshotDispatcher()));
  }

  SnapshotStore store() {
    return store;
  }

  Executor blockingIo() {
    return blockingIo;
  }

  void applied(LogEntry entry) {
    if (entry.kind() == io.raftactors.raft.log.EntryKind.CONFIG) {
      configuration = SnapshotConfig.encode(entry.index(), entry.data());
    }
    entriesSince++;
    bytesSince += entry.sizeInBytes();
  }

  /**
   * After a restore: the state is a snapshot (of {@code snapshotBytes}), so counting starts again;
   * {@code config} is the configuration it held (null: none, an older file; the one applied before stays).
   */
  void restored(byte[] config, long snapshotBytes) {
    lastSnapshotBytes = snapshotBytes;
    if (config != null) {
      configuration = config;
    } else {
      ctx.getLog().warn("restored a snapshot without a configuration (an older file); its snapshots"
          + " record the configuration applied before it until a CONFIG entry applies");
    }
    entriesSince = 0;
    bytesSince = 0;
  }

  /** Starts a snapshot of the state as applied up to (index, term) if one is due. */
  void maybeStart(long index, long term) {
    if (current != null || unsupported || !due() || System.nanoTime() - retryAtNanos < 0) return;
    StateMachine.Snapshot snapshot = stateMachine.snapshot();
    if (snapshot == null) {
      unsupported = true;
      ctx.getLog().info("the state machine takes no snapshots; the log is never compacted");
      return;
    }
    current = snapshot;
    currentIndex = index;
    startedNanos = System.nanoTime();
    entriesAtStart = entriesSince;
    bytesAtStart = bytesSince;
    entriesSince = 0;
    bytesSince = 0;
    writer = ctx.spawn(
        SnapshotWriter.create(store, index, term, false, settings.snapshotRetain(), configuration),
        "snapshot-writer-" + (++taken),
        DispatcherSelector.fromConfig(settings.snapshotDispatcher()));
    ctx.getLog().debug("taking a snapshot at index {}", index);
    writeNextPart();
  }

  /**
   * Past {@code bytes}, always (it bounds the log held since the last snapshot, in memory and on
   * disk); past {@code entries}, once the log since the last snapshot holds {@code log-ratio} of it.
   */
  private boolean due() {
    if (settings.snapshotBytes() > 0 && bytesSince >= settings.snapshotBytes()) return true;
    return settings.snapshotEntries() > 0 && entriesSince >= settings.snapshotEntries()
        && bytesSince >= settings.snapshotLogRatio() * lastSnapshotBytes;
  }

  /** Writes the next part and sends it to the writer (one in flight at a time). */
  void writeNextPart() {
    if (current == null || partInFlight) return;
    part.reset();
    boolean more;
    try {
      more = current.writeNext(part, settings.snapshotPartBytes());
    } catch (IOException | RuntimeException e) {
      ctx.getLog().error("the state machine failed writing snapshot {}: {}", currentIndex, e.toString());
      abandon("it failed");
      failed();
      return;
    }
    writer.tell(new SnapshotWriter.Part(part.toByteArray(), !more, replyTo));
    partInFlight = true;
  }

  /**
   * After a part was written: the next one now, or later when the snapshot is ahead of {@code
   * raft.snapshot.max-write-rate}.
   */
  private void next(long bytesWritten) {
    long rate = settings.snapshotMaxWriteRate();
    long dueNanos = rate == 0 ? 0 : startedNanos + (long) (bytesWritten * 1e9 / rate);
    long wait = dueNanos - System.nanoTime();
    if (rate == 0 || wait <= 0) {
      writeNextPart();
    } else {
      ctx.scheduleOnce(java.time.Duration.ofNanos(wait), ctx.getSelf(), Applier.WriteSnapshotPart.INSTANCE);
    }
  }

  /**
   * Handles the writer's answer; returns the snapshot once it is saved (durable and in place),
   * else null.
   */
  SnapshotStore.Meta onWriterReply(SnapshotWriter.Reply reply) {
    if (current == null || !reply.writer().equals(writer)) {
      return null; // from a writer of an abandoned snapshot
    }
    partInFlight = false;
    if (reply instanceof SnapshotWriter.Written w) {
      next(w.bodyBytes());
      return null;
    }
    if (reply instanceof SnapshotWriter.Failed f) {
      ctx.getLog().error("snapshot {} could not be saved: {}", currentIndex, f.reason());
      current.close();
      current = null;
      writer = null;
      failed();
      return null;
    }
    SnapshotStore.Meta meta = ((SnapshotWriter.Saved) reply).meta();
    lastSnapshotBytes = meta.bytes();
    long nanos = System.nanoTime() - startedNanos;
    metrics.taken(nanos, meta.bytes());
    ctx.getLog().info("snapshot at index {} taken in {} ms ({} bytes)", meta.index(), nanos / 1_000_000,
        meta.bytes());
    current.close();
    current = null;
    writer = null;
    return meta;
  }

  /** A snapshot failed: the next one is due again after a pause, not after a whole interval. */
  private void failed() {
    entriesSince += entriesAtStart;
    bytesSince += bytesAtStart;
    retryAtNanos = System.nanoTime() + RETRY_AFTER_FAILURE_NANOS;
  }

  /** Gives up the snapshot being written, if any (its partial file is removed). */
  void abandon(String why) {
    if (current == null) return;
    ctx.getLog().info("abandoning snapshot {}: {}", currentIndex, why);
    current.close();
    current = null;
    partInFlight = false;
    writer.tell(SnapshotWriter.Abort.INSTANCE);
    writer = null;
  }
}
