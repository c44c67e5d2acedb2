package io.raftactors.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The server processes of one target: started with their output in a log file and their PID in
 * {@code <work>/pids/<name>.pid} (so that compare.sh's trap can stop them by PID if this JVM
 * dies), stopped by PID (SIGTERM, then SIGKILL after a grace period), data deleted.
 */
final class Servers implements AutoCloseable {
  private final Path dir;
  private final Path pidDir;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> pidFiles = new ArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-servers");
  private boolean closed;

  /** Servers whose data and logs live under {@code dir} (created fresh, deleted on close). */
  Servers(Path work, String target) throws IOException {
    this.dir = work.resolve(target);
    this.pidDir = Files.createDirectories(work.resolve("pids"));
    deleteTree(dir);
    Files.createDirectories(dir);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  Path dir() {
    return dir;
  }

  /** Starts {@code command} as {@code name}; output appended to {@code <dir>/<name>.log}. */
  Process start(String name, List<String> command) throws IOException {
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    processes.add(p);
    Path pidFile = pidDir.resolve(dir.getFileName() + "-" + name + ".pid");
    Files.writeString(pidFile, p.pid() + "\n");
    if (!pidFiles.contains(pidFile)) pidFiles.add(pidFile);
    return p;
  }

  /** SIGKILL to {@code p}, then forgets it (a crash the caller means to recover from). */
  void crash(Process p) throws InterruptedException {
    p.destroyForcibly();
    if (!p.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("pid " + p.pid() + " survived SIGKILL");
    processes.remove(p);
  }

  /** The tail of a server's log, for error messages. */
  String logTail(String name) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Fails if a server exited. */
  void checkAlive() {
    for (Process p : processes) {
      if (!p.isAlive()) throw new IllegalStateException("server pid " + p.pid() + " exited with " + p.exitValue());
    }
  }

  /** SIGTERM to every server by PID, up to 20 s to exit, then SIGKILL. */
  synchronized void stopAll() {
    for (Process p : processes) if (p.isAlive()) p.destroy();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Process p : processes) {
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          System.err.println("pid " + p.pid() + " did not exit on SIGTERM; sending SIGKILL");
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    for (Path f : pidFiles) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException ignored) {
        // compare.sh removes the work directory anyway
      }
    }
    pidFiles.clear();
  }

  /** Stops the servers and deletes their data directory (logs included, unless {@code keepLogs}); once. */
  void close(boolean keepLogs) throws IOException {
    if (closed) return;
    closed = true;
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
    if (keepLogs) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) if (!p.toString().endsWith(".log")) deleteTree(p);
      }
    } else {
      deleteTree(dir);
    }
  }

  @Override
  public void close() throws IOException {
    close(false);
  }


  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }
}
