package io.raftactors.kv.resp;

import akka.actor.typed.ActorSystem;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The Redis-protocol (RESP2) listener of a node, on one Netty event-loop thread (as Redis serves
 * its clients from one thread). Each connection is a {@link RespConnection}: bytes are parsed into
 * commands, which run in order through a {@link RespSession} with up to {@code pipeline-depth} in
 * progress, and replies go back in order, one write per batch of replies ready together. A framing
 * error is answered with Redis's error text and closes only that connection.
 */
public final class RespServer {
  private RespServer() {}

  /** A bound listener. */
  public interface Binding {
    InetSocketAddress localAddress();

    /** Stops accepting connections; open ones go on until the actor system terminates. */
    CompletionStage<Void> unbind();

    /**
     * Stops accepting connections, closes the open ones and ends the listener's thread (a node
     * that stops while its actor system goes on, as in the {@code raft-kv local} demo's crash).
     */
    CompletionStage<Void> close();
  }

  /** Binds the listener; completes once it listens. Its thread stops when {@code system} terminates. */
  public static CompletionStage<Binding> start(ActorSystem<?> system, RespSettings settings,
      Supplier<RespBackend> backend) {
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory(system.name() + "-resp", true));
    AtomicInteger open = new AtomicInteger();
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!settings.idleTimeout().isZero()) {
              ch.pipeline().addLast(
                  new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
            }
            ch.pipeline().addLast(new RespConnection(settings, backend, open));
          }
        });
    CompletableFuture<Binding> bound = new CompletableFuture<>();
    ChannelFuture bind = bootstrap.bind(settings.host(), settings.port());
    bind.addListener(f -> {
      if (!f.isSuccess()) {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        bound.completeExceptionally(f.cause());
        return;
      }
      Channel server = bind.channel();
      system.getWhenTerminated().thenRun(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
      bound.complete(new Binding() {
        @Override
        public InetSocketAddress localAddress() {
          return (InetSocketAddress) server.localAddress();
        }

        @Override
        public CompletionStage<Void> unbind() {
          CompletableFuture<Void> closed = new CompletableFuture<>();
          server.close().addListener(c -> closed.complete(null));
          return closed;
        }

        @Override
        public CompletionStage<Void> close() {
          CompletableFuture<Void> closed = new CompletableFuture<>();
          // Shutting the event loop down closes every channel registered with it, the server's too.
          group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(c -> closed.complete(null));
          return closed;
        }
      });
    });
    return bound;
  }
}
