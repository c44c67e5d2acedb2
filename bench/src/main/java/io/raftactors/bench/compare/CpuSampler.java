package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU accounting from /proc (Linux, from the anchors' generator): user+system time of the server
 * processes, of this JVM (the load generator) and of the whole machine (busy = total - idle -
 * iowait), in cores (1.0 = one core busy for the whole window).
 */
final class CpuSampler {
  private final Map<String, Long> pids;
  private final long clkTck;
  private final int ncpu = Runtime.getRuntime().availableProcessors();

  record Snapshot(long nanos, long[] pidTicks, long selfTicks, long machBusy, long machTotal) {}

  record Delta(double seconds, Map<String, Double> serverCores, double benchCores, double machineCores,
      double otherCores) {
    double serversTotal() {
      return serverCores.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** {@code n1(L):0.85 n2:0.41 n3:0.40}. */
    String each() {
      StringBuilder sb = new StringBuilder();
      serverCores.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ")
          .append(String.format(Locale.ROOT, "%s:%.2f", k, v)));
      return sb.toString();
    }
  }

  /** {@code pids}: process name (e.g. {@code n1(L)}) to PID. */
  CpuSampler(Map<String, Long> pids, long clkTck) {
    this.pids = new LinkedHashMap<>(pids);
    this.clkTck = clkTck;
  }

  Snapshot snapshot() {
    long[] t = pids.values().stream().mapToLong(CpuSampler::procTicks).toArray();
    long self = procTicks(ProcessHandle.current().pid());
    long[] m = machine();
    return new Snapshot(System.nanoTime(), t, self, m[0], m[1]);
  }

  Delta delta(Snapshot a, Snapshot b) {
    double secs = (b.nanos() - a.nanos()) / 1e9;
    Map<String, Double> srv = new LinkedHashMap<>();
    int i = 0;
    double sum = 0;
    for (String name : pids.keySet()) {
      double c = (b.pidTicks()[i] - a.pidTicks()[i]) / (double) clkTck / secs;
      srv.put(name, c);
      sum += c;
      i++;
    }
    double bench = (b.selfTicks() - a.selfTicks()) / (double) clkTck / secs;
    long dt = b.machTotal() - a.machTotal();
    double mach = dt > 0 ? (b.machBusy() - a.machBusy()) / (double) dt * ncpu : Double.NaN;
    return new Delta(secs, srv, bench, mach, mach - sum - bench);
  }

  /** Clock ticks per second of /proc's CPU times. */
  static long clkTck() {
    try {
      return Long.parseLong(RunInfo.firstLine("getconf", "CLK_TCK"));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  /**
   * Blocks until the machine is quiet (busy cores below {@code maxCores} in two consecutive 1 s
   * windows) or {@code maxWaitSec} passed; the host may be shared. Returns the last window's busy cores.
   */
  static double waitQuiet(double maxCores, double maxWaitSec) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (maxWaitSec * 1e9);
    int n = Runtime.getRuntime().availableProcessors();
    double busy;
    int quiet = 0;
    do {
      long[] a = machine();
      Thread.sleep(1000);
      long[] b = machine();
      long dt = b[1] - a[1];
      busy = dt > 0 ? (b[0] - a[0]) / (double) dt * n : 0;
      quiet = busy < maxCores ? quiet + 1 : 0;
      if (quiet >= 2) return busy;
    } while (System.nanoTime() < deadline);
    System.out.printf(Locale.ROOT, "# warning: machine still busy (%.2f cores) after waiting %.0fs%n", busy, maxWaitSec);
    return busy;
  }

  /** utime + stime of a process in clock ticks, or -1. */
  static long procTicks(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15; f[0] is field 3
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** {busy, total} jiffies over all CPUs, from the first line of /proc/stat. */
  static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) total += Long.parseLong(f[i]); // user..steal
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}
