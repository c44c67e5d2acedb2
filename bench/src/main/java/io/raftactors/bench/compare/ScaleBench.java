package io.raftactors.bench.compare;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Does raft-kv keep its speed as it grows (issue 10)? One 3-node cluster from the jar is filled
 * with distinct keys, one SET (one log entry) each, up to every step of {@code --steps}; at each
 * step it measures closed-loop writes and linearizable reads over all keys written so far, the
 * heap each node holds after a full GC (so the heap per key), the data on disk and the log's
 * indexes. Once {@code --restart-at} writes were made, a follower is killed (SIGKILL) and started
 * again, and the time until it serves its state again is measured. Use bench/scripts/scale.sh.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "raft-kv throughput, heap per key and restart time from 10k to 10M keys and log entries.")
public final class ScaleBench implements Runnable {
  @Option(names = "--steps", split = ",", defaultValue = "10000,100000,1000000,10000000",
      description = "Key counts (= SETs, = log entries written) at which to measure (default: ${DEFAULT-VALUE}).")
  List<Long> steps;

  @Option(names = "--clients", defaultValue = "64", description = "Virtual clients of the measured runs.")
  int clients;

  @Option(names = "--fill-in-flight", defaultValue = "256", description = "SETs in flight while filling.")
  int fillInFlight;

  @Option(names = "--value-size", defaultValue = "100", description = "Value size in bytes.")
  int valueSize;

  @Option(names = "--duration", defaultValue = "8", description = "Measured seconds per run.")
  double duration;

  @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per run.")
  double warmup;

  @Option(names = "--prewarm", defaultValue = "30",
      description = "Seconds of SETs and GETs over the first step's keys before its measurement (JIT warm-up).")
  double prewarm;

  @Option(names = "--keep-logs", description = "Keep the nodes' logs in --work-dir.")
  boolean keepLogs;

  @Option(names = "--restart-at", defaultValue = "1000000",
      description = "Crash and restart a follower at the first step with at least this many writes (0: never).")
  long restartAt;

  @Option(names = "--restarts", defaultValue = "1",
      description = "How many times to crash and restart a follower there, one after the other (the report gives each).")
  int restarts;

  @Mixin NodeOptions nodes;

  private static final Pattern HEAP_USED = Pattern.compile("(?:total \\d+[KMG], |ZHeap\\s+)used (\\d+)([KMG])");

  private record Step(long keys, long logEntries, double putOps, long putP99, double getOps, long getP99,
      double serverCores, long[] heapBytes, long[] diskBytes, String log) {}

  private record Restart(long writes, String node, double processToResp, double processToCaughtUp,
      long applied, String recoveryLines) {}

  @Override
  public void run() {
    try {
      execute();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void execute() throws Exception {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    Path work = nodes.workDir("scale");
    byte[] value = new byte[valueSize];
    Arrays.fill(value, (byte) 'v');
    List<Step> results = new ArrayList<>();
    List<Restart> restartRuns = new ArrayList<>();
    long t0 = System.nanoTime();
    RaftKvCluster cluster = new RaftKvCluster(work, "scale", nodes.raftJar, nodes.confDir, nodes.jvmOptions());
    try {
      cluster.start();
      System.out.println("# cluster up, leader " + cluster.leaderId() + ", pids " + cluster.pids());
      long[] baseHeap = heaps(cluster);
      System.out.println("# heap after a full GC, empty: " + Arrays.toString(mb(baseHeap)) + " MB");
      long written = 0;
      RespKv kv = new RespKv(cluster.respLeaderFirst());
      try {
        for (long target : steps) {
          long f0 = System.nanoTime();
          fill(kv, written, target, value);
          System.out.printf(Locale.ROOT, "# filled keys %d..%d in %.0f s%n", written, target,
              (System.nanoTime() - f0) / 1e9);
          if (written == 0 && prewarm > 0) prewarm(cluster, kv, target, value);
          written = target;
          Step s = measure(cluster, kv, written, value);
          results.add(s);
          System.out.printf(Locale.ROOT, "keys=%d put ops/s=%.0f p99=%s get ops/s=%.0f p99=%s heap MB=%s disk MB=%s %s%n",
              s.keys(), s.putOps(), Report.ms(s.putP99()), s.getOps(), Report.ms(s.getP99()),
              Arrays.toString(mb(s.heapBytes())), Arrays.toString(mb(s.diskBytes())), s.log());
          if (restartRuns.isEmpty() && restartAt > 0 && written >= restartAt) {
            for (int r = 0; r < restarts; r++) {
              Restart restart = restartFollower(cluster, written, r);
              restartRuns.add(restart);
              System.out.printf(Locale.ROOT, "# restart of %s after %d writes: RESP after %.2f s, caught up after %.2f s%n",
                  restart.node(), restart.writes(), restart.processToResp(), restart.processToCaughtUp());
            }
          }
        }
      } finally {
        kv.close();
      }
      write(now, baseHeap, results, restartRuns, (System.nanoTime() - t0) / 1e9);
    } finally {
      cluster.close(keepLogs);
    }
  }

  private void prewarm(RaftKvCluster cluster, RespKv kv, long keys, byte[] value) throws Exception {
    CpuSampler cpu = new CpuSampler(cluster.pids(), CpuSampler.clkTck());
    new ClosedLoop(i -> kv.set(i, key(random(keys)), value), clients).run(prewarm / 2, 0, cpu);
    new ClosedLoop(i -> kv.get(i, key(random(keys))), clients).run(prewarm / 2, 0, cpu);
  }

  /**
   * SETs keys [from, to) with {@code fillInFlight} in flight, spread over the nodes (leader first).
   * A failed SET (a leader change: TIMEOUT, TRYAGAIN) is retried, as a client would, up to 10 times.
   */
  private void fill(RespKv kv, long from, long to, byte[] value) throws Exception {
    Semaphore inFlight = new Semaphore(fillInFlight);
    AtomicLong retried = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (long k = from; k < to && failed.get() == null; k++) {
      inFlight.acquire();
      set(kv, k, value, 0, retried, failed, inFlight);
    }
    if (!inFlight.tryAcquire(fillInFlight, 120, TimeUnit.SECONDS)) throw new IllegalStateException("fill stalled");
    if (failed.get() != null) throw new IllegalStateException("a SET failed 10 times while filling", failed.get());
    if (retried.get() > 0) System.out.println("# " + retried.get() + " SETs were retried while filling");
  }

  private void set(RespKv kv, long k, byte[] value, int attempt, AtomicLong retried, AtomicReference<Throwable> failed,
      Semaphore inFlight) {
    kv.set((int) (k % fillInFlight), key(k), value).whenComplete((r, e) -> {
      if (e == null) {
        inFlight.release();
      } else if (attempt < 10) {
        retried.incrementAndGet();
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
            .execute(() -> set(kv, k, value, attempt + 1, retried, failed, inFlight));
      } else {
        failed.compareAndSet(null, e);
        inFlight.release();
      }
    });
  }

  private Step measure(RaftKvCluster cluster, RespKv kv, long keys, byte[] value) throws Exception {
    cluster.findLeader();
    CpuSampler cpu = new CpuSampler(cluster.pids(), CpuSampler.clkTck());
    ClosedLoop.Result put = new ClosedLoop(i -> kv.set(i, key(random(keys)), value), clients)
        .run(warmup, duration, cpu);
    ClosedLoop.Result get = new ClosedLoop(i -> kv.get(i, key(random(keys))), clients).run(warmup, duration, cpu);
    Map<String, String> info = cluster.infoRaft(cluster.leaderFirst().get(0));
    String log = (put.errors() + get.errors() > 0 ? "errors: " + put.errors() + " SET, " + get.errors() + " GET; " : "")
        + "commit_index=" + info.get("commit_index") + " first_log_index=" + info.get("first_log_index")
        + " snapshot_index=" + info.get("snapshot_index");
    long[] disk = new long[3];
    List<Integer> order = cluster.leaderFirst();
    for (int i = 0; i < 3; i++) disk[i] = du(cluster.dataDir(order.get(i)));
    return new Step(keys, Long.parseLong(info.getOrDefault("commit_index", "0")), put.opsPerSec(),
        put.hist().getValueAtPercentile(99), get.opsPerSec(), get.hist().getValueAtPercentile(99),
        put.cpu().serversTotal(), heaps(cluster), disk, log);
  }

  /**
   * Kills a follower (the two take turns, by {@code run}), starts it again and waits until it
   * answers RESP and until it has applied everything the leader had committed when it was killed.
   */
  private Restart restartFollower(RaftKvCluster cluster, long writes, int run) throws Exception {
    cluster.findLeader();
    int f = cluster.leaderFirst().get(1 + run % 2);
    long commit = Long.parseLong(cluster.infoRaft(cluster.leaderFirst().get(0)).get("commit_index"));
    cluster.crash(f);
    Path log = cluster.dataDir(f).resolveSibling(cluster.id(f) + ".log");
    long logOffset = Files.size(log);
    long start = System.nanoTime();
    String startedAt = java.time.LocalTime.now(ZoneOffset.UTC).toString();
    cluster.restart(f);
    double resp = -1;
    long deadline = start + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Map<String, String> info = cluster.infoRaft(f);
      if (!info.isEmpty() && resp < 0) resp = (System.nanoTime() - start) / 1e9;
      long applied = Long.parseLong(info.getOrDefault("last_applied", "0"));
      if (applied >= commit) {
        double caughtUp = (System.nanoTime() - start) / 1e9;
        return new Restart(writes, cluster.id(f), resp, caughtUp, applied, "started " + startedAt + "; " + recoveryLines(log, logOffset));
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException(cluster.id(f) + " did not catch up within 120 s after its restart");
  }

  /** The node's own account of its recovery: the journal and snapshot lines it logged since the restart. */
  private static String recoveryLines(Path log, long from) throws Exception {
    byte[] all = Files.readAllBytes(log);
    String since = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
        StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String l : since.split("\n")) {
      if (l.contains("recovered") || l.contains("restored") || l.contains(" up: ")) {
        out.add(l.replaceAll("^(\\S+) \\S+\\s+\\S+ - ", "$1 ").trim());
      }
    }
    return String.join("; ", out);
  }

  /**
   * Heap used by the two followers after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}).
   * Not the leader's: a full GC of gigabytes stops it for longer than an election timeout, and the
   * followers hold the same state.
   */
  private static long[] heaps(RaftKvCluster cluster) throws InterruptedException {
    cluster.findLeader();
    long[] out = new long[2];
    List<Long> pids = cluster.pidsLeaderFirst();
    for (int i = 0; i < 2; i++) {
      String pid = Long.toString(pids.get(i + 1));
      RunInfo.output("jcmd", pid, "GC.run");
      Matcher m = HEAP_USED.matcher(RunInfo.output("jcmd", pid, "GC.heap_info"));
      long sum = 0;
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        sum += switch (m.group(2)) {
          case "K" -> n << 10;
          case "M" -> n << 20;
          default -> n << 30;
        };
      }
      out[i] = sum;
    }
    return out;
  }

  private static long du(Path dir) throws Exception {
    if (!Files.exists(dir)) return 0;
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long random(long bound) {
    return ThreadLocalRandom.current().nextLong(bound);
  }

  private static final byte[] KEY_TEMPLATE = "key-00000000".getBytes(StandardCharsets.US_ASCII);

  /** {@code key-00000042}: 12 bytes, distinct per index below 10^8. */
  static byte[] key(long i) {
    byte[] k = KEY_TEMPLATE.clone();
    for (int p = k.length - 1; p >= 4 && i > 0; p--, i /= 10) k[p] = (byte) ('0' + i % 10);
    return k;
  }

  private static double mean(long[] values) {
    return Arrays.stream(values).average().orElse(0);
  }

  private static long[] mb(long[] bytes) {
    return Arrays.stream(bytes).map(b -> b >> 20).toArray();
  }

  private void write(ZonedDateTime now, long[] baseHeap, List<Step> steps, List<Restart> restartRuns,
      double wall) throws Exception {
    StringBuilder md = new StringBuilder("# raft-kv at scale\n\n");
    md.append("- date: ").append(now.format(DateTimeFormatter.ISO_INSTANT)).append('\n')
        .append("- commit: ").append(RunInfo.commit()).append('\n')
        .append("- machine: ").append(RunInfo.cpuModel()).append(", nproc ")
        .append(Runtime.getRuntime().availableProcessors()).append('\n')
        .append("- java: ").append(RunInfo.java()).append('\n')
        .append("- nodes: 3 JVMs from ").append(nodes.raftJar).append(", JVM options: ").append(nodes.describeJvm())
        .append(", file journal, fsync on, default snapshot settings\n")
        .append(String.format(Locale.ROOT, "- load: keys filled by one SET each (%d in flight); each step: %d "
            + "closed-loop clients, SET then linearizable GET over random keys of all written so far, %.0f s warm-up "
            + "+ %.0f s each; %d B values%n", fillInFlight, clients, warmup, duration, valueSize))
        .append(String.format(Locale.ROOT, "- wall time: %.0f s%n", wall))
        .append("- heap: used after a full GC (jcmd GC.run; GC.heap_info), per follower; empty cluster: ")
        .append(Arrays.toString(mb(baseHeap))).append(" MB; heap B/key: the followers' mean growth per key added "
            + "since the step before. The leader's heap is not measured: a forced full GC of it would stop it for longer "
            + "than an election timeout.\n\n");
    md.append("| keys | log entries | SET ops/s | SET p99 ms | GET ops/s | GET p99 ms | server cores (SET) "
        + "| heap MB (F, F) | heap B/key | disk MB (L, F, F) | log |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|\n");
    long prevKeys = 0;
    double prevHeap = mean(baseHeap);
    for (Step s : steps) {
      // the followers' mean heap growth per key added since the step before (the fixed part cancels out)
      double perKey = (mean(s.heapBytes()) - prevHeap) / (s.keys() - prevKeys);
      prevKeys = s.keys();
      prevHeap = mean(s.heapBytes());
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %.0f | %s | %.0f | %s | %.2f | %s | %.0f | %s | %s |%n",
          s.keys(), s.logEntries(), s.putOps(), Report.ms(s.putP99()), s.getOps(), Report.ms(s.getP99()),
          s.serverCores(), Arrays.toString(mb(s.heapBytes())), perKey, Arrays.toString(mb(s.diskBytes())), s.log()));
    }
    for (Restart restart : restartRuns) {
      md.append(String.format(Locale.ROOT, "%nRestart after %,d writes: follower %s killed (SIGKILL) and started "
              + "again: answering RESP %.2f s after the process started, applied all %,d committed entries after "
              + "%.2f s (JVM start included). Its log: %s%n",
          restart.writes(), restart.node(), restart.processToResp(), restart.applied(), restart.processToCaughtUp(),
          restart.recoveryLines().isEmpty() ? "-" : "`" + restart.recoveryLines().replace('`', '\'') + "`"));
    }
    Files.createDirectories(nodes.outDir);
    Path out = nodes.outDir.resolve("scale-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
    Files.writeString(out, md.toString());
    System.out.println("# report: " + out);
  }
}
