package io.raftactors.bench.compare;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * raft-kv against etcd and Redis on this machine, in one run (issue 10): each target is started
 * in turn on 127.0.0.1 with fresh data, driven by closed-loop virtual clients (one request in
 * flight each), and stopped by PID; the report is a markdown file with a table per mode, a CSV
 * of every run and a latency-by-percentile PNG per mode. Use bench/scripts/compare.sh.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "raft-kv (RESP and Java client) vs etcd vs Redis: closed-loop puts, linearizable and stale gets.")
public final class CompareBench implements Runnable {
  static final List<String> ALL_TARGETS = List.of("raft-kv", "raft-kv-java", "etcd", "redis");

  @Option(names = "--targets", split = ",", defaultValue = "raft-kv,raft-kv-java,etcd,redis",
      description = "Targets, measured in this order: raft-kv (RESP), raft-kv-java (KvClient), etcd, redis.")
  List<String> targets;

  @Option(names = "--modes", split = ",", defaultValue = "put,get,sget",
      description = "put = writes, get = linearizable reads, sget = stale/serializable reads.")
  List<String> modes;

  @Option(names = "--clients", split = ",", defaultValue = "1,16,64,256",
      description = "Virtual clients (requests in flight) per run (default: ${DEFAULT-VALUE}).")
  List<Integer> clients;

  @Option(names = "--value-size", defaultValue = "100", description = "Value size in bytes (e.g. 100, 1024, 16384).")
  int valueSize;

  @Option(names = "--keys", defaultValue = "10000", description = "Key space; populated before the first read mode.")
  int keys;

  @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per run.")
  double duration;

  @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per run (not measured).")
  double warmup;

  @Option(names = "--prewarm", defaultValue = "10",
      description = "Seconds of puts and stale reads at 16 clients after a target starts (JIT warm-up, not measured).")
  double prewarm;

  @Mixin NodeOptions nodes;

  @Option(names = "--plot-clients", defaultValue = "64",
      description = "The C whose latency distributions are plotted (the largest C if it was not run).")
  int plotClients;

  @Option(names = "--quiet-cores", defaultValue = "0.35",
      description = "Before each run, wait until the machine is below this many busy cores for 2 s ...")
  double quietCores;

  @Option(names = "--quiet-wait", defaultValue = "60", description = "... for at most this many seconds.")
  double quietWait;

  @Option(names = "--busy-retries", defaultValue = "1",
      description = "Redo a run up to this many times when other processes used more than 0.3 cores during it "
          + "(the machine is shared); the cleanest attempt is kept.")
  int busyRetries;

  @Option(names = "--keep-logs", description = "Keep the servers' logs in the work directory.")
  boolean keepLogs;

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, String> setups = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();

  @Override
  public void run() {
    try {
      execute();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void execute() throws Exception {
    for (String t : targets) {
      if (!ALL_TARGETS.contains(t)) throw new IllegalArgumentException("unknown target " + t + "; known: " + ALL_TARGETS);
    }
    for (String m : modes) {
      if (!List.of("put", "get", "sget").contains(m)) throw new IllegalArgumentException("unknown mode " + m);
    }
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    String stamp = now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path work = nodes.workDir("compare");
    List<String> nodeJvm = nodes.jvmOptions();
    Map<String, String> header = header(now, nodeJvm);
    header.forEach((k, v) -> System.out.println("# " + k + ": " + v));
    Workload w = Workload.of(keys, valueSize);
    long t0 = System.nanoTime();
    for (String name : targets) {
      System.out.println("# === " + name + " ===");
      String disk = DiskProbe.measure(work);
      System.out.println("# disk: " + disk);
      try (Target target = create(name, work, nodeJvm, w)) {
        measure(name, target, w, disk);
      } catch (Exception e) {
        e.printStackTrace();
        failures.put(name, String.valueOf(e));
      }
    }
    header.put("wall time of the whole comparison", String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - t0) / 1e9));
    write(stamp, header);
  }

  private Target create(String name, Path work, List<String> nodeJvm, Workload w) throws Exception {
    return switch (name) {
      case "raft-kv" -> RaftKvRespTarget.create(work, nodes.raftJar, nodes.confDir, nodeJvm, w);
      case "raft-kv-java" -> RaftKvJavaTarget.create(work, nodes.raftJar, nodes.confDir, nodeJvm, w);
      case "etcd" -> new EtcdTarget(work, w);
      case "redis" -> new RedisTarget(work, w);
      default -> throw new IllegalArgumentException(name);
    };
  }

  private void measure(String name, Target target, Workload w, String disk) throws Exception {
    target.start();
    setups.put(name, target.describe() + ". Disk before: " + disk);
    System.out.println("# " + target.describe() + "; pids " + target.serverPids());
    CpuSampler cpu = new CpuSampler(target.serverPids(), CpuSampler.clkTck());
    if (prewarm > 0) {
      new ClosedLoop(i -> target.put(i, w.randomKey()), 16).run(prewarm / 2, 0, cpu);
      new ClosedLoop(i -> target.get(i, w.randomKey(), true), 16).run(prewarm / 2, 0, cpu);
    }
    boolean populated = false;
    for (String mode : modes) {
      boolean read = !mode.equals("put");
      if (read && !populated) {
        populate(target, w);
        populated = true;
      }
      for (int c : clients) {
        IntFunction<CompletableFuture<?>> op = switch (mode) {
          case "put" -> i -> target.put(i, w.randomKey());
          case "get" -> i -> target.get(i, w.randomKey(), false);
          default -> i -> target.get(i, w.randomKey(), true);
        };
        if (read) target.beforeReads(mode.equals("sget"), c);
        Row best = null;
        for (int attempt = 0; attempt <= busyRetries; attempt++) {
          double busy = CpuSampler.waitQuiet(quietCores, quietWait);
          Row row = Row.of(name, mode, c, new ClosedLoop(op, c).run(warmup, duration, cpu, target::batchStats));
          print(row, busy);
          if (best == null || row.otherCores() < best.otherCores()) best = row;
          if (row.otherCores() <= Report.BUSY_OTHER) break;
          if (attempt < busyRetries) {
            System.out.printf(Locale.ROOT, "#   other processes used %.2f cores: redoing the run%n", row.otherCores());
          }
        }
        rows.add(best);
      }
    }
  }

  private static void print(Row row, double quietBefore) {
    System.out.printf(Locale.ROOT, "%-12s %-4s C=%-4d ops/s=%8.0f p50=%s p90=%s p99=%s p99.9=%s max=%s ms err=%d "
            + "cpu: servers=%.2f [%s] bench=%.2f machine=%.2f others=%.2f (quiet before: %.2f)%n",
        row.target(), row.mode(), row.clients(), row.opsPerSec(), Report.ms(row.p50()), Report.ms(row.p90()),
        Report.ms(row.p99()), Report.ms(row.p999()), Report.ms(row.max()), row.errors(), row.serverCores(),
        row.serverEach(), row.benchCores(), row.machineCores(), row.otherCores(), quietBefore);
    if (row.firstError() != null) System.out.println("#   first error: " + row.firstError());
    row.batches().forEach((k, b) -> {
      if (b.count() > 0) {
        System.out.printf(Locale.ROOT, "#   %s: %d batches, mean %.1f, p50 %s, p90 %s%n", k, b.count(), b.mean(),
            b.percentile(50), b.percentile(90));
      }
    });
  }

  /** Writes every key once, at most 128 in flight over 16 virtual clients. */
  private static void populate(Target target, Workload w) throws Exception {
    long t0 = System.nanoTime();
    Semaphore sem = new Semaphore(128);
    AtomicLong failed = new AtomicLong();
    List<CompletableFuture<?>> fs = new ArrayList<>();
    for (int k = 0; k < w.keys().length; k++) {
      sem.acquire();
      fs.add(target.put(k % 16, k).whenComplete((r, e) -> {
        if (e != null) failed.incrementAndGet();
        sem.release();
      }));
    }
    CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).handle((r, e) -> null).get(300, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "# populated %d keys in %.1fs%s%n", w.keys().length, (System.nanoTime() - t0) / 1e9,
        failed.get() > 0 ? " (" + failed.get() + " puts failed)" : "");
  }

  private Map<String, String> header(ZonedDateTime now, List<String> nodeJvm) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("date", now.format(DateTimeFormatter.ISO_INSTANT));
    h.put("commit", RunInfo.commit());
    h.put("machine", RunInfo.cpuModel() + ", nproc " + Runtime.getRuntime().availableProcessors() + ", "
        + RunInfo.firstLine("uname", "-sr"));
    h.put("java", RunInfo.java());
    h.put("raft-kv nodes", nodes.raftJar + " (modified " + modified(nodes.raftJar) + "), JVM options: "
        + nodes.describeJvm());
    h.put("load generator", "this JVM, GC " + RunInfo.gc(java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments()));
    h.put("etcd", RunInfo.firstLine("etcd", "--version"));
    h.put("redis", RunInfo.firstLine("redis-server", "--version"));
    h.put("fsync", "raft-kv: raft.journal.fsync = on (default); etcd: default (WAL fdatasync per batch); "
        + "redis: appendonly yes, appendfsync always");
    h.put("workload", String.format(Locale.ROOT, "closed loop, one request in flight per virtual client; values %d B, "
        + "key space %d (populated before reads), uniform random keys; warm-up %.0f s + measured %.0f s per run; "
        + "a quiet machine (< %.2f busy cores for 2 s, at most %.0f s wait) before each run", valueSize, keys, warmup,
        duration, quietCores, quietWait));
    return h;
  }

  private void write(String stamp, Map<String, String> header) throws Exception {
    Files.createDirectories(nodes.outDir);
    String base = "compare-" + stamp;
    Map<String, String> plots = new LinkedHashMap<>();
    for (String mode : modes) {
      int c = clients.contains(plotClients) ? plotClients : clients.stream().mapToInt(Integer::intValue).max().orElse(1);
      Map<String, Histogram> hs = new LinkedHashMap<>();
      for (Row r : rows) if (r.mode().equals(mode) && r.clients() == c) hs.put(r.target(), r.hist());
      if (hs.isEmpty()) continue;
      String png = base + "-" + mode + ".png";
      try {
        LatencyPlot.write(nodes.outDir.resolve(png), mode + " (" + Report.describeMode(mode) + "), C=" + c + ", "
            + valueSize + " B values", hs);
        plots.put(mode, png);
      } catch (Exception | Error e) {
        System.err.println("plot " + png + " failed: " + e);
      }
    }
    Path md = nodes.outDir.resolve(base + ".md");
    Path csv = nodes.outDir.resolve(base + ".csv");
    Files.writeString(md, Report.markdown("raft-kv vs etcd vs Redis, " + valueSize + " B values", header, setups,
        modes, rows, failures, plots), StandardCharsets.UTF_8);
    Files.writeString(csv, Report.csv(rows), StandardCharsets.UTF_8);
    System.out.println("# report: " + md);
    System.out.println("# csv:    " + csv);
    plots.values().forEach(p -> System.out.println("# plot:   " + nodes.outDir.resolve(p)));
  }

  private static String modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
