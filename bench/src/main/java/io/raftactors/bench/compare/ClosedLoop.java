package io.raftactors.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load (from the anchors' generator): C virtual clients, each with exactly one request
 * in flight, issuing the next as soon as the previous completes. Latency = issue to completion, in
 * microseconds, into an HdrHistogram (3 significant digits, max 60 s). A failed request is retried
 * after 10 ms so that a refusing server does not make the loop spin.
 */
final class ClosedLoop {

  /** One measured window. */
  record Result(Histogram hist, long errors, double seconds, CpuSampler.Delta cpu, String firstError,
      Map<String, BatchStats> batches) {
    double opsPerSec() {
      return hist.getTotalCount() / seconds;
    }
  }

  private final IntFunction<CompletableFuture<?>> op;
  private final int concurrency;
  private final Recorder recorder = new Recorder(60_000_000L, 3);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private volatile boolean running;
  private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
  private final ScheduledExecutorService trampoline = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "closed-loop-trampoline");
    t.setDaemon(true);
    return t;
  });

  /** {@code op} issues one request for virtual client i; {@code concurrency} virtual clients. */
  ClosedLoop(IntFunction<CompletableFuture<?>> op, int concurrency) {
    this.op = op;
    this.concurrency = concurrency;
  }

  /** As below, reading no batch statistics. */
  Result run(double warmupSec, double durationSec, CpuSampler cpu) throws InterruptedException {
    return run(warmupSec, durationSec, cpu, Map::of);
  }

  /**
   * Warm-up, then a measured window; blocks for warmup + duration (+ drain, at most 10 s).
   * {@code batches} is read at both ends of the window; the result has the differences.
   */
  Result run(double warmupSec, double durationSec, CpuSampler cpu, Supplier<Map<String, BatchStats>> batches)
      throws InterruptedException {
    running = true;
    for (int i = 0; i < concurrency; i++) {
      inFlight.incrementAndGet();
      issue(i);
    }
    sleepSec(warmupSec);
    recorder.getIntervalHistogram(); // discard the warm-up samples
    errors.set(0);
    firstError.set(null);
    Map<String, BatchStats> b0 = batches.get();
    CpuSampler.Snapshot c0 = cpu.snapshot();
    long t0 = System.nanoTime();
    sleepSec(durationSec);
    Histogram h = recorder.getIntervalHistogram();
    long t1 = System.nanoTime();
    CpuSampler.Snapshot c1 = cpu.snapshot();
    Map<String, BatchStats> window = new LinkedHashMap<>();
    // a node that did not answer at the start is left out: its counts would be totals since it started
    batches.get().forEach((k, v) -> {
      if (b0.containsKey(k)) window.put(k, v.minus(b0.get(k)));
    });
    long errs = errors.get();
    running = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
    if (inFlight.get() > 0) {
      System.err.println("warning: " + inFlight.get() + " requests still in flight after the drain timeout");
    }
    trampoline.shutdown();
    return new Result(h, errs, (t1 - t0) / 1e9, cpu.delta(c0, c1), firstError.get(), window);
  }

  private void issue(int client) {
    if (!running) {
      inFlight.decrementAndGet();
      return;
    }
    final long start = System.nanoTime();
    CompletableFuture<?> f;
    try {
      f = op.apply(client);
    } catch (Throwable t) {
      f = CompletableFuture.failedFuture(t);
    }
    f.whenComplete((r, e) -> {
      long us = (System.nanoTime() - start) / 1000;
      if (e == null) {
        recorder.recordValue(Math.max(1, Math.min(us, 60_000_000L)));
        next(client);
      } else {
        errors.incrementAndGet();
        firstError.compareAndSet(null, String.valueOf(e));
        schedule(client, 10);
      }
    });
  }

  /** Re-issue; bounce through the trampoline thread when recursing (futures completed synchronously). */
  private void next(int client) {
    int[] d = depth.get();
    if (d[0] > 16) {
      schedule(client, 0);
      return;
    }
    d[0]++;
    try {
      issue(client);
    } finally {
      d[0]--;
    }
  }

  private void schedule(int client, long delayMs) {
    try {
      trampoline.schedule(() -> issue(client), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException rej) {
      inFlight.decrementAndGet();
    }
  }

  private static void sleepSec(double s) throws InterruptedException {
    long ms = (long) (s * 1000);
    if (ms > 0) Thread.sleep(ms);
  }
}
