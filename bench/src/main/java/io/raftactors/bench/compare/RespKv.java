package io.raftactors.bench.compare;

import io.raftactors.bench.compare.RespCodec.RespError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asynchronous RESP2 client on one NIO selector thread (from the anchors' generator): one
 * connection per virtual client (client i uses connection i, opened on first use, to endpoint
 * i % endpoints). A connection may carry pipelined requests; replies complete the futures in
 * order on the selector thread, an error reply completes exceptionally with {@link RespError}.
 */
final class RespKv implements AutoCloseable {
  private static final byte[] SET = bytes("SET");
  private static final byte[] GET = bytes("GET");

  private record Req(int client, byte[] bytes, CompletableFuture<Object> future) {}

  private final InetSocketAddress[] endpoints;
  private final Selector selector;
  private final Thread loop;
  private final ConcurrentLinkedQueue<Req> submitted = new ConcurrentLinkedQueue<>();
  private final List<Conn> conns = new ArrayList<>(); // loop thread only
  /** Failed connects are reported after 100 ms, so that a closed loop does not spin. */
  private final ArrayDeque<Object[]> delayed = new ArrayDeque<>(); // {deadline nanos, future, error}
  private volatile boolean closed;

  RespKv(List<InetSocketAddress> eps) throws IOException {
    endpoints = eps.toArray(new InetSocketAddress[0]);
    selector = Selector.open();
    loop = new Thread(this::run, "resp-kv-loop");
    loop.setDaemon(true);
    loop.start();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  CompletableFuture<Object> set(int client, byte[] key, byte[] value) {
    return submit(client, RespCodec.encode(SET, key, value));
  }

  CompletableFuture<Object> get(int client, byte[] key) {
    return submit(client, RespCodec.encode(GET, key));
  }

  CompletableFuture<Object> command(int client, String... args) {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = bytes(args[i]);
    return submit(client, RespCodec.encode(a));
  }

  /** One command on a fresh blocking connection (e.g. {@code INFO raft}); the reply or an exception. */
  static Object call(InetSocketAddress at, int timeoutMs, String... args) throws IOException {
    byte[][] a = new byte[args.length][];
    for (int i = 0; i < args.length; i++) a[i] = bytes(args[i]);
    try (Socket s = new Socket()) {
      s.connect(at, timeoutMs);
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(RespCodec.encode(a));
      out.flush();
      InputStream in = s.getInputStream();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      while (true) {
        int n = in.read(buf.array(), buf.position(), buf.remaining());
        if (n < 0) throw new IOException("connection closed by " + at);
        buf.position(buf.position() + n);
        ByteBuffer view = buf.duplicate().flip();
        Object r = RespCodec.parse(view);
        if (r != RespCodec.INCOMPLETE) {
          if (r instanceof RespError e) throw new IOException(at + ": " + e.getMessage());
          return r == RespCodec.NULL ? null : r;
        }
        if (!buf.hasRemaining()) throw new IOException("reply from " + at + " larger than 64 KiB");
      }
    }
  }

  private CompletableFuture<Object> submit(int client, byte[] bytes) {
    CompletableFuture<Object> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new RespError("client closed"));
      return f;
    }
    submitted.add(new Req(client, bytes, f));
    if (Thread.currentThread() != loop) selector.wakeup();
    return f;
  }

  // ------------------------------------------------------------------ loop thread --
  private final class Conn {
    final int index;
    SocketChannel ch;
    SelectionKey key;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    final ArrayDeque<CompletableFuture<Object>> pending = new ArrayDeque<>();
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);

    Conn(int index) {
      this.index = index;
    }

    void open() throws IOException {
      ch = SocketChannel.open();
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(endpoints[index % endpoints.length]); // blocking connect: loopback, quick
      ch.configureBlocking(false);
      key = ch.register(selector, SelectionKey.OP_READ, this);
      in.clear();
    }

    void fail(String why) {
      RespError err = new RespError(why);
      List<CompletableFuture<Object>> fs = new ArrayList<>(pending);
      pending.clear();
      out.clear();
      if (key != null) key.cancel();
      try {
        if (ch != null) ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      ch = null;
      key = null;
      for (CompletableFuture<Object> x : fs) x.completeExceptionally(err); // the next use reconnects
    }

    void flush() throws IOException {
      while (!out.isEmpty()) {
        ByteBuffer b = out.peek();
        ch.write(b);
        if (b.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        out.poll();
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void read() throws IOException {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      if (ch.read(in) < 0) {
        fail("connection closed by server");
        return;
      }
      in.flip();
      while (in.hasRemaining()) {
        int start = in.position();
        Object r;
        try {
          r = RespCodec.parse(in);
        } catch (IllegalStateException | NumberFormatException proto) {
          fail("protocol error: " + proto.getMessage());
          return;
        }
        if (r == RespCodec.INCOMPLETE) {
          in.position(start);
          break;
        }
        CompletableFuture<Object> f = pending.poll();
        if (f == null) {
          fail("reply without a request");
          return;
        }
        if (r instanceof RespError e) f.completeExceptionally(e);
        else f.complete(r == RespCodec.NULL ? null : r);
        if (ch == null) return; // a callback failed this connection
      }
      in.compact();
    }
  }

  private Conn conn(int client) throws IOException {
    while (conns.size() <= client) conns.add(new Conn(conns.size()));
    Conn c = conns.get(client);
    if (c.ch == null) c.open();
    return c;
  }

  private void drain() {
    Req r;
    while ((r = submitted.poll()) != null) {
      Conn c;
      try {
        c = conn(r.client());
      } catch (IOException e) {
        delayed.add(new Object[] {System.nanoTime() + 100_000_000L, r.future(), new RespError("connect: " + e)});
        continue;
      }
      c.pending.add(r.future());
      c.out.add(ByteBuffer.wrap(r.bytes()));
      try {
        c.flush();
      } catch (IOException e) {
        c.fail("write: " + e);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void run() {
    try {
      while (!closed) {
        drain();
        long now = System.nanoTime();
        while (!delayed.isEmpty() && (long) delayed.peek()[0] <= now) {
          Object[] d = delayed.poll();
          ((CompletableFuture<Object>) d[1]).completeExceptionally((RespError) d[2]);
        }
        if (!submitted.isEmpty()) selector.selectNow();
        else if (!delayed.isEmpty()) selector.select(Math.max(1, ((long) delayed.peek()[0] - now) / 1_000_000L));
        else selector.select(100);
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey k = it.next();
          it.remove();
          Conn c = (Conn) k.attachment();
          if (!k.isValid() || c.ch == null) continue;
          try {
            if (k.isWritable()) c.flush();
            if (k.isValid() && k.isReadable()) c.read();
          } catch (IOException | RuntimeException e) {
            c.fail(String.valueOf(e));
          }
        }
      }
    } catch (IOException e) {
      System.err.println("resp-kv loop: " + e);
    } finally {
      for (Conn c : conns) if (c.ch != null) c.fail("client closed");
      Req r;
      while ((r = submitted.poll()) != null) r.future().completeExceptionally(new RespError("client closed"));
      Object[] d;
      while ((d = delayed.poll()) != null) ((CompletableFuture<?>) d[1]).completeExceptionally(new RespError("client closed"));
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    selector.wakeup();
    loop.join(TimeUnit.SECONDS.toMillis(5));
    try {
      selector.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
