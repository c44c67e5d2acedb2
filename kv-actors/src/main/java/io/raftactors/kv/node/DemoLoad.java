package io.raftactors.kv.node;

import io.raftactors.kv.KvClient;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The demo's load generator: a few writers, each writing a random key of {@code demo:0}..
 * {@code demo:999} as soon as its previous write ended (a closed loop, so it never queues more
 * than it has writers), through a client of the members that are up ({@code client} gives null while
 * none is). A failed write is retried by its writer after a short pause.
 */
final class DemoLoad {
  private static final int WRITERS = 4;

  private final Supplier<KvClient> client;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long generation;
  private volatile boolean on;

  DemoLoad(Supplier<KvClient> client) {
    this.client = client;
  }

  synchronized void start() {
    if (on) return;
    on = true;
    long g = ++generation;
    for (int i = 0; i < WRITERS; i++) next(g);
  }

  synchronized void stop() {
    on = false;
    generation++;
  }

  boolean running() {
    return on;
  }

  /** Writes that succeeded / failed since start of the process. */
  long done() {
    return done.get();
  }

  long failed() {
    return failed.get();
  }

  private void next(long g) {
    if (!on || g != generation) return;
    KvClient c;
    java.util.concurrent.CompletionStage<?> write;
    try {
      c = client.get();
      write = c == null ? null : c.put("demo:" + ThreadLocalRandom.current().nextInt(1000),
          Long.toString(System.currentTimeMillis()));
    } catch (RuntimeException e) {
      write = null;
    }
    if (write == null) { // no member up, or the client was closed under us: try again soon
      failed.incrementAndGet();
      pause(g);
      return;
    }
    write.whenComplete((r, e) -> {
      (e == null ? done : failed).incrementAndGet();
      if (e != null) pause(g); // no leader, or the member asked is down: no spinning meanwhile
      else next(g);
    });
  }

  private void pause(long g) {
    java.util.concurrent.CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(() -> next(g));
  }
}
