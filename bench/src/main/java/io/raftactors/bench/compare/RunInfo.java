package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about the machine and the software for a report's header, from commands and /proc. */
final class RunInfo {
  private RunInfo() {}

  static String commit() {
    String head = firstLine("git", "rev-parse", "--short", "HEAD");
    String dirty = output("git", "status", "--porcelain", "--untracked-files=no");
    return dirty.isBlank() ? head : head + " (with uncommitted changes)";
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException e) {
      // not Linux
    }
    return "?";
  }

  static String java() {
    return firstLine(javaCommand(), "-version");
  }

  /** The garbage collector a JVM started with {@code options} picks, e.g. {@code G1}. */
  static String gc(List<String> options) {
    List<String> cmd = new ArrayList<>(List.of(javaCommand()));
    cmd.addAll(options);
    cmd.addAll(List.of("-XX:+PrintCommandLineFlags", "-version"));
    Matcher m = Pattern.compile("-XX:\\+Use(\\w+)GC\\b").matcher(output(cmd.toArray(new String[0])));
    return m.find() ? m.group(1) : "?";
  }

  static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  static String firstLine(String... command) {
    String out = output(command).strip();
    int nl = out.indexOf('\n');
    return nl < 0 ? out : out.substring(0, nl).strip();
  }

  /** stdout and stderr of a command, or {@code ?} if it cannot run. */
  static String output(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
