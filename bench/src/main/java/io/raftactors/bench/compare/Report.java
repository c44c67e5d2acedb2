package io.raftactors.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The comparison as text: a markdown document (header, one table per mode with rows C and, per
 * target, ops/s, p50, p99, p99.9 and server CPU, then raft-kv/etcd throughput ratios; then every
 * number of every run) and the raw rows as CSV.
 */
final class Report {
  static final String CSV_HEADER = "target,mode,clients,seconds,ops,ops_per_s,errors,p50_us,p90_us,p99_us,p999_us,"
      + "max_us,mean_us,server_cores,server_cores_each,bench_cores,machine_cores,other_cores,first_error";

  /** A window in which other processes used more cores than this is marked: the machine was shared. */
  static final double BUSY_OTHER = 0.3;

  private Report() {}

  static String markdown(String title, Map<String, String> header, Map<String, String> setups, List<String> modes,
      List<Row> rows, Map<String, String> failures, Map<String, String> plots) {
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    header.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append('\n');
    if (!setups.isEmpty()) {
      md.append("Targets:\n\n");
      setups.forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
      md.append('\n');
    }
    failures.forEach((k, v) -> md.append("**").append(k).append(" failed**: `").append(v.replace('`', '\'')).append("`\n\n"));
    md.append("Latency in ms (issue to completion, HdrHistogram); CPU in cores (1.0 = one core busy for the "
        + "whole window) used by all server processes of the target; ratios are ops/s over etcd's.\n\n");
    for (String mode : modes) {
      List<Row> of = rows.stream().filter(r -> r.mode().equals(mode)).toList();
      if (of.isEmpty()) continue;
      md.append("## ").append(mode).append(" (").append(describeMode(mode)).append(")\n\n");
      md.append(table(of)).append('\n');
      if (of.stream().anyMatch(r -> r.otherCores() > BUSY_OTHER)) {
        md.append(String.format(Locale.ROOT, "\\* other processes used more than %.1f cores during that window "
            + "(the machine is shared): the row understates the target.%n%n", BUSY_OTHER));
      }
      String plot = plots.get(mode);
      if (plot != null) md.append("![").append(mode).append(" latency by percentile](").append(plot).append(")\n\n");
    }
    md.append(batching(rows));
    md.append("## Every run\n\n");
    md.append("| target | mode | C | ops/s | errors | p50 | p90 | p99 | p99.9 | max | servers (cores) | load generator | machine | others |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %d | %s | %s | %s | %s | %s | %.2f = %s | %.2f | %.2f | %.2f |%n",
          r.target(), r.mode(), r.clients(), r.opsPerSec(), r.errors(), ms(r.p50()), ms(r.p90()), ms(r.p99()),
          ms(r.p999()), ms(r.max()), r.serverCores(), r.serverEach(), r.benchCores(), r.machineCores(), r.otherCores()));
    }
    List<Row> failed = rows.stream().filter(r -> r.firstError() != null).toList();
    if (!failed.isEmpty()) {
      md.append("\nFirst error of each run with errors:\n\n");
      for (Row r : failed) {
        md.append("- ").append(r.target()).append(' ').append(r.mode()).append(" C=").append(r.clients()).append(": `")
            .append(r.firstError().replace('`', '\'')).append("`\n");
      }
    }
    return md.toString();
  }

  /**
   * Per raft-kv run with batch statistics: for each node, how many entries each fsync made durable
   * (group commit) and, at the leader, how many entries each AppendEntries carried.
   */
  static String batching(List<Row> rows) {
    List<Row> with = rows.stream().filter(r -> r.batches() != null && !r.batches().isEmpty()).toList();
    if (with.isEmpty()) return "";
    StringBuilder md = new StringBuilder("## Batching inside raft-kv\n\n")
        .append("Read from each node's `INFO raftstats` at both ends of the measured window. Batches = fsyncs, or "
            + "AppendEntries with entries (heartbeats aside, all followers); p50/p90 are the bucket bounds "
            + "(powers of two) that hold them; the distribution is the share of batches per size.\n\n")
        .append("| target | mode | C | node, batch | batches | mean | p50 | p90 | distribution |\n")
        .append("|---|---|---:|---|---:|---:|---:|---:|---|\n");
    for (Row r : with) {
      r.batches().forEach((k, b) -> {
        if (b.count() == 0) return;
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %d | %.1f | %s | %s | %s |%n", r.target(), r.mode(),
            r.clients(), k, b.count(), b.mean(), b.percentile(50), b.percentile(90), b.shares()));
      });
    }
    return md.append('\n').toString();
  }

  static String describeMode(String mode) {
    return switch (mode) {
      case "put" -> "writes";
      case "get" -> "linearizable reads";
      case "sget" -> "stale/serializable reads";
      default -> mode;
    };
  }

  /** Rows C; per target ops/s, p50, p99, p99.9, server CPU; then each raft-kv target's ops/s over etcd's. */
  static String table(List<Row> rows) {
    Set<String> targets = new LinkedHashSet<>();
    Set<Integer> cs = new java.util.TreeSet<>();
    for (Row r : rows) {
      targets.add(r.target());
      cs.add(r.clients());
    }
    List<String> ratios = new ArrayList<>();
    if (targets.contains("etcd")) {
      for (String t : targets) if (t.startsWith("raft-kv")) ratios.add(t);
    }
    StringBuilder head = new StringBuilder("| C |");
    StringBuilder rule = new StringBuilder("|---:|");
    for (String t : targets) {
      head.append(' ').append(t).append(" ops/s | p50 | p99 | p99.9 | CPU |");
      rule.append("---:|---:|---:|---:|---:|");
    }
    for (String t : ratios) {
      head.append(' ').append(t).append("/etcd |");
      rule.append("---:|");
    }
    StringBuilder out = new StringBuilder().append(head).append('\n').append(rule).append('\n');
    for (int c : cs) {
      out.append("| ").append(c).append(" |");
      for (String t : targets) {
        Optional<Row> r = find(rows, t, c);
        if (r.isEmpty()) {
          out.append(" - | - | - | - | - |");
          continue;
        }
        Row x = r.get();
        out.append(String.format(Locale.ROOT, " %.0f%s%s | %s | %s | %s | %.2f |", x.opsPerSec(),
            x.errors() > 0 ? " (" + x.errors() + " err)" : "", x.otherCores() > BUSY_OTHER ? " \\*" : "", ms(x.p50()), ms(x.p99()), ms(x.p999()), x.serverCores()));
      }
      for (String t : ratios) {
        Optional<Row> a = find(rows, t, c);
        Optional<Row> e = find(rows, "etcd", c);
        out.append(a.isPresent() && e.isPresent() && e.get().opsPerSec() > 0
            ? String.format(Locale.ROOT, " %.2f |", a.get().opsPerSec() / e.get().opsPerSec()) : " - |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static Optional<Row> find(List<Row> rows, String target, int c) {
    return rows.stream().filter(r -> r.target().equals(target) && r.clients() == c).findFirst();
  }

  /** Microseconds as milliseconds with about three significant digits. */
  static String ms(long us) {
    double m = us / 1000.0;
    if (m < 1) return String.format(Locale.ROOT, "%.3f", m);
    if (m < 10) return String.format(Locale.ROOT, "%.2f", m);
    if (m < 100) return String.format(Locale.ROOT, "%.1f", m);
    return String.format(Locale.ROOT, "%.0f", m);
  }

  static String csv(List<Row> rows) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.3f,%d,%.1f,%d,%d,%d,%d,%d,%d,%.1f,%.3f,%s,%.3f,%.3f,%.3f,%s%n",
          csvField(r.target()), r.mode(), r.clients(), r.seconds(), r.ops(), r.opsPerSec(), r.errors(), r.p50(), r.p90(),
          r.p99(), r.p999(), r.max(), r.mean(), r.serverCores(), csvField(r.serverEach()), r.benchCores(),
          r.machineCores(), r.otherCores(), csvField(r.firstError() == null ? "" : r.firstError())));
    }
    return sb.toString();
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
