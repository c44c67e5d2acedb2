package io.raftactors.kv.resp;

import akka.actor.typed.ActorSystem;
import akka.japi.function.Creator;
import akka.japi.function.Function;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The Redis-protocol (RESP2) listener of a node, on Akka Streams TCP. Each connection is a stream:
 * bytes are parsed into commands, which run in order through a {@link RespSession} with up to
 * {@code pipeline-depth} in progress, and replies go back in order, coalesced into fewer writes
 * when the socket is busy. A framing error is answered with Redis's error text and closes only
 * that connection.
 */
public final class RespServer {
  private RespServer() {}

  /** A framing error, turned into a reply that closes the connection. */
  private record ProtocolError(String message) {}

  /** Follows the commands of one read from the socket: the session proposes the writes it held back. */
  private static final Object END_OF_READ = new Object();

  /** The answer to {@link #END_OF_READ}: nothing to send. */
  private static final RespSession.Reply NO_REPLY = new RespSession.Reply(ByteString.emptyByteString(), false);

  /** Binds the listener; completes once it listens. */
  public static CompletionStage<Tcp.ServerBinding> start(ActorSystem<?> system, RespSettings settings,
      Supplier<RespBackend> backend) {
    AtomicInteger open = new AtomicInteger();
    return Tcp.get(system)
        .bind(settings.host(), settings.port(), 1024, List.of(akka.io.TcpSO.tcpNoDelay(true)), true,
            java.util.Optional.empty())
        .toMat(Sink.foreach(connection -> {
          if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            connection.handleWith(Flow.fromSinkAndSource(Sink.ignore(),
                Source.single(Resp.error("ERR max number of clients reached"))), system);
            return;
          }
          RespSession session = new RespSession(backend.get(), settings);
          connection.flow().watchTermination(Keep.right())
              .joinMat(connectionFlow(session, settings), Keep.left())
              .run(system)
              .whenComplete((done, error) -> {
                open.decrementAndGet();
                session.close();
              });
        }), Keep.left())
        .run(system);
  }

  /** The request-to-reply flow of one connection. */
  static Flow<ByteString, ByteString, akka.NotUsed> connectionFlow(RespSession session, RespSettings settings) {
    Flow<ByteString, ByteString, akka.NotUsed> in = Flow.of(ByteString.class);
    if (!settings.idleTimeout().isZero()) in = in.idleTimeout(settings.idleTimeout());
    return in
        .statefulMapConcat(parser(settings))
        .mapAsync(settings.pipelineDepth(), item -> {
          if (item == END_OF_READ) {
            session.flush();
            return CompletableFuture.completedFuture(NO_REPLY);
          }
          if (item instanceof ProtocolError e) {
            session.flush();
            return CompletableFuture.completedFuture(new RespSession.Reply(Resp.error("ERR " + e.message()), true));
          }
          return session.handle(castArgs(item));
        })
        .filter(reply -> reply != NO_REPLY)
        .takeWhile(reply -> !reply.close(), true)
        .map(RespSession.Reply::bytes)
        .batchWeighted(256 * 1024, b -> (long) b.size(), b -> b, ByteString::concat);
  }

  @SuppressWarnings("unchecked")
  private static List<byte[]> castArgs(Object item) {
    return (List<byte[]>) item;
  }

  private static Creator<Function<ByteString, Iterable<Object>>> parser(RespSettings settings) {
    return () -> {
      RespParser parser = new RespParser(settings.maxBulkLength(), settings.maxMultibulkLength());
      boolean[] failed = {false};
      return bytes -> {
        if (failed[0]) return List.of();
        try {
          List<Object> items = new ArrayList<>(parser.feed(bytes.toArray()));
          if (!items.isEmpty()) items.add(END_OF_READ);
          return items;
        } catch (RespProtocolException e) {
          failed[0] = true;
          return List.of(new ProtocolError(e.getMessage()));
        }
      };
    };
  }
}
