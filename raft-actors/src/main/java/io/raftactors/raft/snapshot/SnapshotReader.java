package io.raftactors.raft.snapshot;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Reads one snapshot file in chunks for a transfer to a follower, on a blocking-I/O dispatcher
 * ({@code raft.snapshot.dispatcher}). The file stays open while the reader lives, so deleting it (a
 * newer snapshot's retention) does not cut a transfer short.
 */
public final class SnapshotReader extends AbstractBehavior<SnapshotReader.Command> {
  public sealed interface Command permits Read {}

  /** Asks for up to {@code maxBytes} from {@code offset}. */
  public record Read(long offset, int maxBytes, ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply permits Chunk, Failed {}

  public record Chunk(SnapshotStore.Meta meta, long offset, byte[] bytes) implements Reply {}

  public record Failed(SnapshotStore.Meta meta, String reason) implements Reply {}

  public static Behavior<Command> create(SnapshotStore.Meta meta) {
    return Behaviors.setup(ctx -> {
      ctx.setLoggerName(SnapshotReader.class);
      try {
        return new SnapshotReader(ctx, meta, FileChannel.open(meta.path(), StandardOpenOption.READ));
      } catch (IOException e) {
        ctx.getLog().error("cannot open snapshot {}: {}", meta.path(), e.toString());
        String reason = "cannot open " + meta.path() + ": " + e;
        return Behaviors.receive(Command.class)
            .onMessage(Read.class, r -> {
              r.replyTo().tell(new Failed(meta, reason));
              return Behaviors.same();
            })
            .build();
      }
    });
  }

  private final SnapshotStore.Meta meta;
  private final FileChannel channel;

  private SnapshotReader(ActorContext<Command> ctx, SnapshotStore.Meta meta, FileChannel channel) {
    super(ctx);
    this.meta = meta;
    this.channel = channel;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Read.class, this::onRead)
        .onSignal(PostStop.class, s -> {
          try {
            channel.close();
          } catch (IOException e) {
            // closing anyway
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onRead(Read read) {
    try {
      long left = meta.bytes() - read.offset();
      if (read.offset() < 0 || left < 0) throw new IOException("offset " + read.offset() + " outside the file");
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(read.maxBytes(), left));
      while (buf.hasRemaining()) {
        int n = channel.read(buf, read.offset() + buf.position());
        if (n < 0) throw new IOException("file shorter than " + meta.bytes() + " bytes");
      }
      read.replyTo().tell(new Chunk(meta, read.offset(), buf.array()));
    } catch (IOException e) {
      getContext().getLog().error("reading snapshot {} failed: {}", meta.path(), e.toString());
      read.replyTo().tell(new Failed(meta, e.toString()));
    }
    return this;
  }
}
