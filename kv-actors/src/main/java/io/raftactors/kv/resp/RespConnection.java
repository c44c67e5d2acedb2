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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One RESP connection on the listener's event loop: parses what arrives, runs the commands
 * through its {@link RespSession} in order with at most {@code pipeline-depth} in progress, and
 * writes the replies in order. Replies that become ready together (a batch of applied writes)
 * leave in one write.
 *
 * <p>As Redis does, the connection ends when the client closes its side (EOF), and with it the
 * client's waits (a LOCK ... WAIT leaves the queue).
 *
 * <p>Resources are bounded: while {@code pipeline-depth} commands are in progress, or while the
 * socket does not take what was written (a client that does not read), nothing more is read from
 * it; TCP flow control then holds the client back.
 *
 * <p>The connection's state is touched only on its event-loop thread; answers that complete
 * elsewhere (the session's follow-up work runs where the Raft node answered) are handed to it.
 * Running the session's follow-up work on the event loop too was measured 17% slower at 64
 * clients, as the one loop thread then formats every reply.
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
  private Executor loop;
  private boolean counted;
  /** No more commands are taken: a reply that closes (QUIT, a framing error) is on its way. */
  private boolean ending;
  /** The connection is closed or closing: nothing more is written. */
  private boolean closed;
  /** {@link #run} is on the stack: answers that complete at once must not re-enter it. */
  private boolean running;
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
    this.loop = task -> {
      try {
        ctx.executor().execute(task);
      } catch (RejectedExecutionException e) {
        // the listener stopped with the actor system: the connection is gone
      }
    };
    counted = true;
    if (open.incrementAndGet() > settings.maxConnections()) {
      ending = true;
      closed = true;
      akka.util.ByteString refusal = Resp.error("ERR max number of clients reached");
      new RespMetrics(backend.get().metrics()).replied(refusal);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(refusal.toArray()))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    session = new RespSession(backend.get(), settings);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ending = true;
    closed = true;
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
    if (ending || session == null) return; // after a framing error nothing more is parsed
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

  /**
   * Starts the commands that may start, writes the replies that are ready, and reads on only
   * while there is room. Not re-entered: an answer that completes during it is picked up by its
   * loop.
   */
  private void run() {
    if (running || session == null) return;
    running = true;
    try {
      do {
        writeReady();
        while (canStart()) {
          start(parsed.poll());
          writeReady();
        }
        // Held-back writes must not wait for commands that wait for room.
        if (!ending && !parsed.isEmpty()) session.flush();
      } while (readyToWrite() || canStart());
    } finally {
      running = false;
    }
    if (!closed) ctx.channel().config().setAutoRead(!ending && parsed.isEmpty() && ctx.channel().isWritable());
  }

  private void start(Object item) {
    if (item == END_OF_READ) {
      session.flush();
      return;
    }
    Slot slot = new Slot();
    replies.add(slot);
    if (item instanceof ProtocolError e) {
      session.flush();
      slot.reply = new RespSession.Reply(Resp.error("ERR " + e.message()), true);
      ending = true;
      parsed.clear();
      return;
    }
    CompletionStage<RespSession.Reply> answer;
    try {
      answer = session.handle(castArgs(item));
    } catch (RuntimeException e) {
      answer = CompletableFuture.completedFuture(new RespSession.Reply(Resp.error("ERR " + e), false));
    }
    answer.whenComplete((reply, error) -> {
      RespSession.Reply r = error != null ? new RespSession.Reply(Resp.error("ERR " + error), false) : reply;
      if (ctx.executor().inEventLoop()) {
        answered(slot, r);
      } else {
        loop.execute(() -> answered(slot, r));
      }
    });
    if (slot.reply != null && slot.reply.close()) { // QUIT: nothing after it runs
      ending = true;
      parsed.clear();
    }
  }

  private void answered(Slot slot, RespSession.Reply reply) {
    slot.reply = reply;
    run();
  }

  /** A parsed command may start: nothing closes the connection and there is room in the pipeline. */
  private boolean canStart() {
    return !ending && !parsed.isEmpty() && replies.size() < settings.pipelineDepth();
  }

  private boolean readyToWrite() {
    return !closed && !replies.isEmpty() && replies.peek().reply != null;
  }

  /** Writes the replies that are ready, in order; one flush for all that are ready together. */
  private void writeReady() {
    boolean wrote = false;
    while (readyToWrite()) {
      RespSession.Reply reply = replies.poll().reply;
      session.metrics.replied(reply.bytes()); // every reply to a command leaves here
      ByteBuf bytes = Unpooled.wrappedBuffer(reply.bytes().asByteBuffer()); // no copy of a one-part reply
      if (reply.close()) {
        closed = true;
        ending = true;
        parsed.clear();
        replies.clear();
        ctx.writeAndFlush(bytes).addListener(ChannelFutureListener.CLOSE); // closes once it is out
        return;
      }
      ctx.write(bytes);
      wrote = true;
    }
    if (wrote && !flushScheduled) {
      // Answers that arrive together (a batch of applied writes) are queued on this loop
      // together: flushing after them sends their replies in one write.
      flushScheduled = true;
      loop.execute(() -> {
        flushScheduled = false;
        ctx.flush();
      });
    }
  }

  @SuppressWarnings("unchecked")
  private static List<byte[]> castArgs(Object item) {
    return (List<byte[]>) item;
  }
}
