package io.raftactors.kv.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One RESP connection on the listener's event loop: parses what arrives, runs the commands
 * through its {@link RespSession} in order with at most {@code pipeline-depth} in progress, and
 * writes the replies in order. Replies that become ready together (a batch of applied writes)
 * leave in one write.
 *
 * <p>Resources are bounded: while {@code pipeline-depth} commands are in progress, or while the
 * socket does not take what was written (a client that does not read), nothing more is read from
 * it; TCP flow control then holds the client back.
 *
 * <p>Everything here runs on the connection's event-loop thread; answers that complete elsewhere
 * are handed to it.
 */
final class RespConnection extends ChannelInboundHandlerAdapter {
  /** Follows the commands of one read: the session proposes the writes it held back. */
  private static final Object END_OF_READ = new Object();

  /** A framing error, turned into a reply that closes the connection. */
  private record ProtocolError(String message) {}

  /** A command's place in the reply order. */
  private static final class Slot {
    RespSession.Reply reply;
  }

  private final RespSettings settings;
  private final Supplier<RespBackend> backend;
  private final AtomicInteger open;
  private final RespParser parser;
  private final ArrayDeque<Object> parsed = new ArrayDeque<>();
  private final ArrayDeque<Slot> replies = new ArrayDeque<>();
  private RespSession session;
  private ChannelHandlerContext ctx;
  private boolean counted;
  private boolean closing;
  private boolean flushScheduled;

  RespConnection(RespSettings settings, Supplier<RespBackend> backend, AtomicInteger open) {
    this.settings = settings;
    this.backend = backend;
    this.open = open;
    this.parser = new RespParser(settings.maxBulkLength(), settings.maxMultibulkLength());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    counted = true;
    if (open.incrementAndGet() > settings.maxConnections()) {
      closing = true;
      ctx.writeAndFlush(buffer(Resp.error("ERR max number of clients reached").toArray()))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    session = new RespSession(backend.get(), settings);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (counted) open.decrementAndGet();
    counted = false;
    if (session != null) session.close();
    parsed.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(in);
    } finally {
      in.release();
    }
    if (closing || session == null) return;
    try {
      List<List<byte[]>> items = parser.feed(bytes);
      if (!items.isEmpty()) {
        parsed.addAll(items);
        parsed.add(END_OF_READ);
      }
    } catch (RespProtocolException e) {
      parsed.add(new ProtocolError(e.getMessage()));
    }
    run();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    run();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      ctx.close(); // kv.resp.idle-timeout: nothing arrived for that long
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset by the peer and the like: only this connection ends
  }

  /** Starts the commands that may start, and reads on only while there is room. */
  private void run() {
    while (!closing && !parsed.isEmpty() && replies.size() < settings.pipelineDepth()) {
      Object item = parsed.poll();
      if (item == END_OF_READ) {
        session.flush();
      } else if (item instanceof ProtocolError e) {
        session.flush();
        Slot slot = new Slot();
        slot.reply = new RespSession.Reply(Resp.error("ERR " + e.message()), true);
        replies.add(slot);
        parsed.clear();
        writeReady();
      } else {
        Slot slot = new Slot();
        replies.add(slot);
        CompletionStage<RespSession.Reply> answer = session.handle(castArgs(item));
        answer.whenComplete((reply, error) -> {
          RespSession.Reply r = error != null ? new RespSession.Reply(Resp.error("ERR " + error), false) : reply;
          if (ctx.executor().inEventLoop()) {
            answered(slot, r);
          } else {
            try {
              ctx.executor().execute(() -> answered(slot, r));
            } catch (java.util.concurrent.RejectedExecutionException e) {
              // the listener stopped with the actor system: the connection is gone
            }
          }
        });
      }
    }
    // Held-back writes must not wait for commands that wait for room.
    if (!closing && !parsed.isEmpty()) session.flush();
    ctx.channel().config().setAutoRead(!closing && parsed.isEmpty() && ctx.channel().isWritable());
  }

  private void answered(Slot slot, RespSession.Reply reply) {
    slot.reply = reply;
    writeReady();
    run();
  }

  /** Writes the replies that are ready, in order; one flush for all that are ready together. */
  private void writeReady() {
    boolean wrote = false;
    while (!closing && !replies.isEmpty() && replies.peek().reply != null) {
      RespSession.Reply reply = replies.poll().reply;
      ctx.write(buffer(reply.bytes().toArray()));
      wrote = true;
      if (reply.close()) {
        closing = true;
        parsed.clear();
        ctx.flush();
        ctx.close();
        return;
      }
    }
    if (wrote && !flushScheduled) {
      // Answers that arrive together (a batch of applied writes) are queued on this loop
      // together: flushing after them sends their replies in one write.
      flushScheduled = true;
      ctx.executor().execute(() -> {
        flushScheduled = false;
        ctx.flush();
      });
    }
  }

  private static ByteBuf buffer(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  @SuppressWarnings("unchecked")
  private static List<byte[]> castArgs(Object item) {
    return (List<byte[]>) item;
  }
}
