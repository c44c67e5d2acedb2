package io.raftactors.raft.snapshot;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.io.IOException;

/**
 * Writes one snapshot to a {@link SnapshotStore}, part by part as the producer sends them, on a
 * blocking-I/O dispatcher ({@code raft.snapshot.dispatcher}). Each part is acknowledged once written,
 * so the producer keeps at most one in flight and never buffers a whole snapshot; the last part
 * commits the file (fsync, rename) and is answered with the snapshot's {@link Saved} metadata.
 * Any failure, or the writer stopping early, leaves no partial snapshot behind.
 */
public final class SnapshotWriter extends AbstractBehavior<SnapshotWriter.Command> {
  public sealed interface Command permits Part, Abort {}

  /** The next bytes of the body; {@code last}: the body is complete, commit it. */
  public record Part(byte[] bytes, boolean last, ActorRef<Reply> replyTo) implements Command {}

  /** Gives up: the partial file is removed and the writer stops. */
  public enum Abort implements Command {
    INSTANCE
  }

  public sealed interface Reply permits Written, Saved, Failed {
    /** The writer that answers (a producer tells its current writer's answers from stale ones). */
    ActorRef<Command> writer();
  }

  /** A part is on disk (not yet durable): send the next one. */
  public record Written(ActorRef<Command> writer, long bodyBytes) implements Reply {}

  /** The snapshot is durable and in place. */
  /** Saved; {@code configuration} is the configuration block it holds (null: none). */
  public record Saved(ActorRef<Command> writer, SnapshotStore.Meta meta, byte[] configuration) implements Reply {}

  /** Writing failed; nothing was kept. */
  public record Failed(ActorRef<Command> writer, String reason) implements Reply {}

  /**
   * A writer for the snapshot of {@code (index, term)} in {@code store}.
   *
   * @param whole the parts are a whole snapshot file received from another node ({@link
   *     SnapshotStore#receive}), verified before it is kept; otherwise they are the body
   * @param retain after saving, keep this many snapshot files ({@link SnapshotStore#retain}); 0:
   *     delete none
   */
  public static Behavior<Command> create(
      SnapshotStore store, long index, long term, boolean whole, int retain) {
    return create(store, index, term, whole, retain, null);
  }

  /** As above; the body starts with {@code configuration} ({@link SnapshotStore#begin(long, long, byte[])}). */
  public static Behavior<Command> create(
      SnapshotStore store, long index, long term, boolean whole, int retain, byte[] configuration) {
    return Behaviors.setup(ctx -> {
      ctx.setLoggerName(SnapshotWriter.class);
      try {
        return new SnapshotWriter(
            ctx, store, whole ? store.receive(index, term) : store.begin(index, term, configuration), retain,
            whole ? null : configuration);
      } catch (IOException e) {
        ctx.getLog().error("cannot start snapshot {} in {}: {}", index, store.directory(), e.toString());
        return failing(ctx.getSelf(), "cannot start the snapshot: " + e);
      }
    });
  }

  /** Answers every part with a failure, then stops. */
  private static Behavior<Command> failing(ActorRef<Command> self, String reason) {
    return Behaviors.receive(Command.class)
        .onMessage(Part.class, p -> {
          p.replyTo().tell(new Failed(self, reason));
          return Behaviors.stopped();
        })
        .onMessageEquals(Abort.INSTANCE, Behaviors::stopped)
        .build();
  }

  private final SnapshotStore store;
  private final SnapshotStore.Writer writer;
  private final int retain;
  /** The configuration written (null: read it from a received file once saved). */
  private final byte[] configuration;

  private SnapshotWriter(ActorContext<Command> ctx, SnapshotStore store, SnapshotStore.Writer writer,
      int retain, byte[] configuration) {
    super(ctx);
    this.configuration = configuration;
    this.store = store;
    this.writer = writer;
    this.retain = retain;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Part.class, this::onPart)
        .onMessageEquals(Abort.INSTANCE, () -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          abortQuietly();
          return this;
        })
        .build();
  }

  private Behavior<Command> onPart(Part part) {
    try {
      writer.body().write(part.bytes());
      writer.syncIfDue();
      if (!part.last()) {
        part.replyTo().tell(new Written(getContext().getSelf(), writer.bodyBytes()));
        return this;
      }
      SnapshotStore.Meta meta = writer.commit();
      getContext().getLog().info("snapshot at index {} saved: {} bytes", meta.index(), meta.bytes());
      byte[] config = configuration != null ? configuration : store.readConfiguration(meta);
      part.replyTo().tell(new Saved(getContext().getSelf(), meta, config));
      if (retain > 0) retainQuietly(meta);
    } catch (IOException | RuntimeException e) {
      getContext().getLog().error("writing a snapshot failed: {}", e.toString());
      part.replyTo().tell(new Failed(getContext().getSelf(), e.toString()));
    }
    return Behaviors.stopped();
  }

  private void retainQuietly(SnapshotStore.Meta saved) {
    try {
      store.retain(retain, saved);
    } catch (IOException e) {
      getContext().getLog().warn("could not delete old snapshots in {}: {}", store.directory(), e.toString());
    }
  }

  private void abortQuietly() {
    try {
      writer.abort();
    } catch (IOException e) {
      getContext().getLog().warn("could not remove a partial snapshot: {}", e.toString());
    }
  }
}
