package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.journal.file.FileJournal;
import io.raftactors.raft.journal.file.FileJournalSettings;
import io.raftactors.raft.journal.file.JournalStats;
import io.raftactors.raft.log.LogEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The file journal alone: C closed-loop writers append one entry each and wait for its
 * acknowledgement (durable: fsync on), next to the raw fdatasync rate of the same disk measured in
 * the same run. Entries per fsync shows the group commit. Then the recovery time of a 1M-entry log.
 */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = "Appends/s and latency of the file journal vs the disk's raw fsync rate; recovery time.")
final class JournalBench implements Runnable {

  @Option(names = "--writers", split = ",", defaultValue = "1,16,256",
      description = "Concurrent writers per run (default: ${DEFAULT-VALUE}).")
  List<Integer> writers;

  @Option(names = "--sizes", split = ",", defaultValue = "100,4096",
      description = "Entry sizes in bytes (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per run.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "Warm-up seconds per run.")
  int warmup;

  @Option(names = "--recovery-entries", defaultValue = "1000000",
      description = "Entries in the recovery test (0 skips it).")
  int recoveryEntries;

  @Option(names = "--dir", description = "Directory for the journal files (default: a temporary one).")
  Path dir;

  @Option(names = "--no-fsync", description = "Unsafe: acknowledge without fsync, to see the journal's own overhead.")
  boolean noFsync;

  @Override
  public void run() {
    try {
      Path base = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("journal-bench");
      ActorSystem<SpawnProtocol.Command> system = newSystem();
      try {
        LatencyRecorder raw4k = FsyncProbe.measure(base, 4096, 3);
        double rawRate = raw4k.count() / 3.0;
        System.out.printf(Locale.ROOT, "disk under %s: raw 4 KiB write+fdatasync on a preallocated file: "
            + "%,.0f/s, p50 %d µs, p99 %d µs%n", base, rawRate, raw4k.percentileMicros(50), raw4k.percentileMicros(99));
        System.out.println("| entry | writers | appends/s | p50 | p99 | fsyncs/s | entries/fsync | fsyncs/s ÷ raw |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        int run = 0;
        for (int size : sizes) {
          for (int c : writers) {
            runOnce(system, base.resolve("run-" + run++), size, c, rawRate);
          }
        }
      } finally {
        terminate(system);
      }
      try {
        if (recoveryEntries > 0) recovery(base.resolve("recovery"));
      } finally {
        if (dir == null) deleteTree(base);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void runOnce(ActorSystem<SpawnProtocol.Command> system, Path journalDir, int size, int concurrency,
      double rawRate) throws Exception {
    ActorRef<Journal.Command> journal = spawn(system, FileJournal.create(journalDir, "bench",
        new FileJournalSettings(64L * 1024 * 1024, !noFsync, true)), "journal-" + journalDir.getFileName(), true);
    Journal.Recovered recovered = AskPattern.<Journal.Command, Journal.Recovered>ask(journal,
        Journal.Recover::new, Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().get();
    ActorRef<Object> driver = spawn(system, JournalDriver.create(journal, recovered.entries().size() + 1),
        "driver-" + journalDir.getFileName(), false);
    byte[] data = new byte[size];
    drive(driver, data, concurrency, warmup, new LatencyRecorder());
    JournalStats.Snapshot before = stats(system, journal);
    LatencyRecorder latency = new LatencyRecorder();
    long start = System.nanoTime();
    drive(driver, data, concurrency, seconds, latency);
    double elapsed = (System.nanoTime() - start) / 1e9;
    JournalStats.Snapshot after = stats(system, journal);
    long fsyncs = after.fsyncs() - before.fsyncs();
    long entries = after.entries() - before.entries();
    System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %d µs | %d µs | %,.0f | %.1f | %.2f |%n",
        size >= 1024 ? size / 1024 + " KiB" : size + " B", concurrency, latency.count() / elapsed,
        latency.percentileMicros(50), latency.percentileMicros(99), fsyncs / elapsed,
        fsyncs == 0 ? 0 : (double) entries / fsyncs, fsyncs / elapsed / rawRate);
  }

  /** Writes the log in one actor system, then times its recovery in a fresh one. */
  private void recovery(Path journalDir) throws Exception {
    FileJournalSettings settings = new FileJournalSettings(64L * 1024 * 1024, true, true);
    ActorSystem<SpawnProtocol.Command> writer = newSystem();
    try {
      ActorRef<Journal.Command> journal = spawn(writer, FileJournal.create(journalDir, "bench", settings),
          "journal", true);
      AskPattern.<Journal.Command, Journal.Recovered>ask(journal, Journal.Recover::new,
          Duration.ofSeconds(30), writer.scheduler()).toCompletableFuture().get();
      long seq = 0;
      List<LogEntry> batch = new ArrayList<>();
      for (long i = 1; i <= recoveryEntries; i++) {
        batch.add(LogEntry.command(i, 1, i, new byte[100]));
        if (batch.size() == 1000 || i == recoveryEntries) {
          List<LogEntry> entries = List.copyOf(batch);
          long s = ++seq;
          batch.clear();
          if (i < recoveryEntries) {
            journal.tell(new Journal.Append(s, entries, writer.ignoreRef()));
          } else { // the last acknowledgement covers every append before it
            AskPattern.<Journal.Command, Journal.Ack>ask(journal, r -> new Journal.Append(s, entries, r),
                Duration.ofSeconds(120), writer.scheduler()).toCompletableFuture().get();
          }
        }
      }
    } finally {
      terminate(writer); // stops the journal, which closes its files and releases the lock
    }
    ActorSystem<SpawnProtocol.Command> reader = newSystem();
    try {
      long start = System.nanoTime();
      ActorRef<Journal.Command> journal = spawn(reader, FileJournal.create(journalDir, "bench", settings),
          "journal", true);
      Journal.Recovered r = AskPattern.<Journal.Command, Journal.Recovered>ask(journal, Journal.Recover::new,
          Duration.ofSeconds(120), reader.scheduler()).toCompletableFuture().get();
      System.out.printf(Locale.ROOT, "recovery of %,d entries of 100 bytes: %d ms%n", r.entries().size(),
          (System.nanoTime() - start) / 1_000_000);
    } finally {
      terminate(reader);
    }
  }

  private static ActorSystem<SpawnProtocol.Command> newSystem() {
    return ActorSystem.create(SpawnProtocol.create(), "journal-bench",
        ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(ConfigFactory.load()));
  }

  private static void terminate(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void drive(ActorRef<Object> driver, byte[] data, int concurrency, int secs,
      LatencyRecorder latency) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) write(driver, data, stop, latency, done);
    TimeUnit.SECONDS.sleep(secs);
    stop.set(true);
    done.await(30, TimeUnit.SECONDS);
  }

  private static void write(ActorRef<Object> driver, byte[] data, AtomicBoolean stop, LatencyRecorder latency,
      CountDownLatch done) {
    if (stop.get()) {
      done.countDown();
      return;
    }
    long start = System.nanoTime();
    driver.tell(new JournalDriver.Write(data, acked -> {
      latency.record(acked - start);
      write(driver, data, stop, latency, done);
    }));
  }

  private static JournalStats.Snapshot stats(ActorSystem<?> system, ActorRef<Journal.Command> journal)
      throws Exception {
    return AskPattern.<Journal.Command, JournalStats.Snapshot>ask(journal, FileJournal.GetStats::new,
        Duration.ofSeconds(60), system.scheduler()).toCompletableFuture().get();
  }

  @SuppressWarnings("unchecked")
  private static <T> ActorRef<T> spawn(ActorSystem<SpawnProtocol.Command> system, akka.actor.typed.Behavior<T> b,
      String name, boolean blockingDispatcher) throws Exception {
    Props props = blockingDispatcher ? DispatcherSelector.fromConfig("raft.journal.dispatcher") : Props.empty();
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(system,
        r -> new SpawnProtocol.Spawn<>(b, name, props, r), Duration.ofSeconds(10), system.scheduler())
        .toCompletableFuture().get();
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
    }
  }
}
