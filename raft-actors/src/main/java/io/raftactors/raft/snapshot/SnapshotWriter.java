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
 * blocking-I/O dispatcher (spawn it with the journal's). Each part is acknowledged once written,
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

  public sealed interface Reply permits Written, Saved, Failed {}

  /** A part is on disk (not yet durable): send the next one. */
  public record Written(long bodyBytes) implements Reply {}

  /** The snapshot is durable and in place. */
  public record Saved(SnapshotStore.Meta meta) implements Reply {}

  /** Writing failed; nothing was kept. */
  public record Failed(String reason) implements Reply {}

  /** A writer for the snapshot of {@code (index, term)} in {@code store}. */
  public static Behavior<Command> create(SnapshotStore store, long index, long term) {
    return Behaviors.setup(ctx -> {
      try {
        return new SnapshotWriter(ctx, store.begin(index, term));
      } catch (IOException e) {
        ctx.getLog().error("cannot start snapshot {} in {}: {}", index, store.directory(), e.toString());
        return failing("cannot start the snapshot: " + e);
      }
    });
  }

  /** Answers every part with a failure, then stops. */
  private static Behavior<Command> failing(String reason) {
    return Behaviors.receive(Command.class)
        .onMessage(Part.class, p -> {
          p.replyTo().tell(new Failed(reason));
          return Behaviors.stopped();
        })
        .onMessageEquals(Abort.INSTANCE, Behaviors::stopped)
        .build();
  }

  private final SnapshotStore.Writer writer;

  private SnapshotWriter(ActorContext<Command> ctx, SnapshotStore.Writer writer) {
    super(ctx);
    this.writer = writer;
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
      if (!part.last()) {
        part.replyTo().tell(new Written(writer.bodyBytes()));
        return this;
      }
      SnapshotStore.Meta meta = writer.commit();
      getContext().getLog().info("snapshot at index {} saved: {} bytes", meta.index(), meta.bytes());
      part.replyTo().tell(new Saved(meta));
    } catch (IOException | RuntimeException e) {
      getContext().getLog().error("writing a snapshot failed: {}", e.toString());
      part.replyTo().tell(new Failed(e.toString()));
    }
    return Behaviors.stopped();
  }

  private void abortQuietly() {
    try {
      writer.abort();
    } catch (IOException e) {
      getContext().getLog().warn("could not remove a partial snapshot: {}", e.toString());
    }
  }
}
