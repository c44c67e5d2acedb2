package io.raftactors.bench;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvNode;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.PathPeers;
import io.raftactors.raft.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Snapshots and compaction, measured on 3 KV replicas in one JVM with file journals (fsync on):
 *
 * <ol>
 *   <li>restart time and disk use after N writes over K keys, with compaction off and on;
 *   <li>write throughput, second by second, while a snapshot is being written vs not (same run,
 *       a state of about {@code --state-mb} MB);
 *   <li>catch-up time of a wiped follower with that state (InstallSnapshot).
 * </ol>
 *
 * In one JVM the chunks are not serialized and cross no network; disk writes, fsyncs, checksums
 * and restores are all real.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
    description = "Restart time and disk use with and without compaction, throughput during"
        + " snapshots, catch-up of a wiped follower.")
final class SnapshotBench implements Runnable {
  private static final List<String> MEMBERS = List.of("n1", "n2", "n3");
  /** --settings, for the clusters this run starts. */
  private static final java.util.concurrent.atomic.AtomicReference<String> EXTRA =
      new java.util.concurrent.atomic.AtomicReference<>("");

  @Option(names = "--writes", defaultValue = "1000000", description = "Writes before the restart (default: ${DEFAULT-VALUE}).")
  long writes;

  @Option(names = "--keys", defaultValue = "10000", description = "Key space of those writes.")
  int keys;

  @Option(names = "--clients", defaultValue = "64", description = "Concurrent clients.")
  int clients;

  @Option(names = "--state-mb", defaultValue = "100", description = "State size for parts 2 and 3, in MB.")
  int stateMb;

  @Option(names = "--seconds", defaultValue = "40", description = "Measured seconds of part 2.")
  int seconds;

  @Option(names = "--parts", split = ",", defaultValue = "restart,dip,catchup", description = "Which parts to run.")
  List<String> parts;

  @Option(names = "--dir", description = "Data directory (default: a temporary one).")
  Path dir;

  @Option(names = "--settings", defaultValue = "", description = "More HOCON settings, e.g. raft.snapshot.max-write-rate=64MiB.")
  String extraSettings;

  @Option(names = "--log-level", defaultValue = "WARNING", description = "Akka log level (INFO shows each snapshot's duration).")
  String logLevel;

  @Override
  public void run() {
    System.setProperty("bench.log.level", logLevel.equals("WARNING") ? "WARN" : logLevel);
    EXTRA.set(extraSettings.replace(",", "\n"));
    try {
      Path base = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("snapshot-bench");
      System.out.printf(Locale.ROOT, "snapshot bench: 3 replicas in one JVM, file journals (fsync on) under %s, "
          + "%d cores, %s%n", base, Runtime.getRuntime().availableProcessors(), Runtime.version());
      if (parts.contains("restart")) {
        System.out.println();
        System.out.println("| compaction | writes | write ops/s | disk per node | restart to all applied |");
        System.out.println("|---|---:|---:|---:|---:|");
        restart(base.resolve("restart-off"), false);
        restart(base.resolve("restart-on"), true);
      }
      if (parts.contains("dip") || parts.contains("catchup")) {
        dipAndCatchUp(base.resolve("state"));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- part 1 -------------------------------------------------------------------------------

  private void restart(Path base, boolean compaction) throws Exception {
    String settings = compaction ? "" : "raft.snapshot.entries = 0\nraft.snapshot.bytes = 0\n";
    Cluster c = new Cluster(base, settings, logLevel);
    try {
      c.startAll();
      c.awaitLeader();
      byte[] value = new byte[100];
      long start = System.nanoTime();
      AtomicLong left = new AtomicLong(writes);
      load(c, clients, () -> left.getAndDecrement() > 0,
          client -> c.client(client).put(KvWrite.Put.of(key(keys), Bytes.wrap(value))), null);
      double secs = (System.nanoTime() - start) / 1e9;
      long commit = c.status(c.awaitLeader()).commitIndex();
      c.stopAll();
      long disk = (du(base.resolve("n1")) + du(base.resolve("n2")) + du(base.resolve("n3"))) / 3;
      long t0 = System.nanoTime();
      c.startAll();
      c.awaitCondition(Duration.ofMinutes(5), () -> MEMBERS.stream().allMatch(id -> c.status(id).lastApplied() >= commit));
      long restartMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf(Locale.ROOT, "| %s | %,d | %,.0f | %s | %,d ms |%n", compaction ? "on (defaults)" : "off",
          writes, writes / secs, mb(disk), restartMs);
    } finally {
      c.close();
    }
  }

  // ---- parts 2 and 3 ------------------------------------------------------------------------

  private void dipAndCatchUp(Path base) throws Exception {
    int valueSize = 1024;
    int stateKeys = (int) ((long) stateMb * 1_000_000 / valueSize);
    // A snapshot every ~stateKeys writes (about the default 100,000 for 100 MB of 1 KiB values),
    // so the measured seconds hold several snapshots and time between them.
    String settings = "raft.snapshot.entries = " + Math.max(1000, stateKeys) + "\n";
    Cluster c = new Cluster(base, settings, logLevel);
    try {
      c.startAll();
      c.awaitLeader();
      byte[] value = new byte[valueSize];
      AtomicLong next = new AtomicLong();
      long fillStart = System.nanoTime();
      load(c, clients, () -> next.get() < stateKeys,
          client -> c.client(client).put(KvWrite.Put.of(Bytes.of("key-" + next.getAndIncrement()), Bytes.wrap(value))),
          null);
      System.out.printf(Locale.ROOT, "%nfilled %,d keys of %d bytes in %.1f s%n", stateKeys, valueSize,
          (System.nanoTime() - fillStart) / 1e9);

      if (parts.contains("dip")) dip(c, base, stateKeys, value);
      if (parts.contains("catchup")) catchUp(c, base);
    } finally {
      c.close();
    }
  }

  /** Writes for {@code seconds}, sampling each second's throughput and whether a snapshot was being written. */
  private void dip(Cluster c, Path base, int stateKeys, byte[] value) throws Exception {
    AtomicLong done = new AtomicLong();
    Map<Long, Boolean> snapshotting = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    Thread sampler = new Thread(() -> {
      while (System.nanoTime() < end) {
        long second = (System.nanoTime() - start) / 1_000_000_000L;
        if (anyTempSnapshot(base)) snapshotting.put(second, true);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.start();
    long[] perSecond = new long[seconds + 1];
    load(c, clients, () -> System.nanoTime() < end,
        client -> c.client(client).put(KvWrite.Put.of(key(stateKeys), Bytes.wrap(value))), () -> {
          int s = (int) ((System.nanoTime() - start) / 1_000_000_000L);
          if (s < perSecond.length) {
            synchronized (perSecond) {
              perSecond[s]++;
            }
          }
        });
    sampler.join();
    List<Long> during = new ArrayList<>();
    List<Long> between = new ArrayList<>();
    for (int s = 1; s < seconds; s++) { // the first and last seconds are partial
      (snapshotting.containsKey((long) s) ? during : between).add(perSecond[s]);
    }
    System.out.printf(Locale.ROOT, "%n1 KiB puts, %d clients, %d s, snapshot every %s entries:%n", clients, seconds,
        c.settings.replace("raft.snapshot.entries = ", "").trim());
    System.out.println("| seconds | with a snapshot being written | median ops/s | min ops/s |");
    System.out.println("|---|---|---:|---:|");
    System.out.printf(Locale.ROOT, "| %d | no | %s | %s |%n", between.size(), median(between), min(between));
    System.out.printf(Locale.ROOT, "| %d | yes | %s | %s |%n", during.size(), median(during), min(during));
  }

  private void catchUp(Cluster c, Path base) throws Exception {
    String leader = c.awaitLeader();
    String victim = MEMBERS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.stop(victim);
    deleteTree(base.resolve(victim));
    long commit = c.status(leader).commitIndex();
    NodeStatus ls = c.status(leader);
    long snapshotBytes = newestSnapshotBytes(base.resolve(leader).resolve("snapshots"));
    long t0 = System.nanoTime();
    c.start(victim);
    c.awaitCondition(Duration.ofMinutes(10), () -> c.status(victim).lastApplied() >= commit);
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%nwiped follower %s caught up to index %,d (leader's snapshot at %,d, %s, "
        + "log from %,d) in %.2f s (%.0f MB/s of snapshot)%n", victim, commit, ls.snapshotIndex(), mb(snapshotBytes),
        ls.firstLogIndex(), secs, snapshotBytes / 1e6 / secs);
  }

  // ---- load ---------------------------------------------------------------------------------

  private interface Op {
    CompletionStage<?> issue(int client);
  }

  /** Closed loop: {@code clients} clients issue ops while {@code go} holds; returns when all have stopped. */
  private static void load(Cluster c, int clients, java.util.function.BooleanSupplier go, Op op, Runnable onDone)
      throws InterruptedException {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(clients);
    AtomicLong failures = new AtomicLong();
    for (int i = 0; i < clients; i++) {
      int client = i;
      new Object() {
        void next() {
          if (!go.getAsBoolean()) {
            stopped.countDown();
            return;
          }
          op.issue(client).whenComplete((r, e) -> {
            if (e != null) failures.incrementAndGet();
            else if (onDone != null) onDone.run();
            next();
          });
        }
      }.next();
    }
    stopped.await();
    if (failures.get() > 0) System.out.println("(" + failures.get() + " operations failed and were not counted)");
  }

  private static Bytes key(int keys) {
    return Bytes.of("key-" + ThreadLocalRandom.current().nextInt(keys));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static boolean anyTempSnapshot(Path base) {
    for (String id : MEMBERS) {
      Path dir = base.resolve(id).resolve("snapshots");
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.list(dir)) {
        if (files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"))) return true;
      } catch (IOException e) {
        // the directory changed under us; sample again
      }
    }
    return false;
  }

  private static long newestSnapshotBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".snap"))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .map(p -> p.toFile().length()).orElse(0L);
    }
  }

  private static long du(Path dir) throws IOException {
    if (!Files.exists(dir)) return 0;
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String median(List<Long> xs) {
    if (xs.isEmpty()) return "-";
    List<Long> s = xs.stream().sorted().toList();
    return String.format(Locale.ROOT, "%,d", s.get(s.size() / 2));
  }

  private static String min(List<Long> xs) {
    return xs.isEmpty() ? "-" : String.format(Locale.ROOT, "%,d", xs.stream().mapToLong(Long::longValue).min().orElse(0));
  }

  /** Three KV replicas in one actor system, each under a host that can stop and restart it. */
  private static final class Cluster implements AutoCloseable {
    final String settings;
    private final Path base;
    private final ActorSystem<SpawnProtocol.Command> system;
    private final PathPeers peers;
    private final Map<String, ActorRef<HostCommand>> hosts = new HashMap<>();
    private final Map<String, ActorRef<KvCommand>> replicas = new ConcurrentHashMap<>();
    private final Map<String, KvClient> clients = new ConcurrentHashMap<>();
    private final Config config;

    Cluster(Path base, String settings, String logLevel) throws Exception {
      this.base = base;
      this.settings = settings;
      this.config = ConfigFactory.parseString(settings + "akka.loglevel = " + logLevel)
          .withFallback(ConfigFactory.parseString(EXTRA.get()))
          .withFallback(ConfigFactory.load());
      this.system = ActorSystem.create(SpawnProtocol.create(), "snapbench", config);
      Map<String, String> paths = new HashMap<>();
      for (String id : MEMBERS) paths.put(id, "akka://snapbench/user/host-" + id + "/kv-" + id + "/raft");
      this.peers = new PathPeers(system, paths);
      for (String id : MEMBERS) {
        hosts.put(id, AskPattern.<SpawnProtocol.Command, ActorRef<HostCommand>>ask(system,
            r -> new SpawnProtocol.Spawn<>(host(), "host-" + id, Props.empty(), r), Duration.ofSeconds(10),
            system.scheduler()).toCompletableFuture().get());
      }
    }

    void startAll() throws Exception {
      for (String id : MEMBERS) start(id);
    }

    void start(String id) throws Exception {
      Behavior<KvCommand> node = KvNode.builder(id).members(MEMBERS).peers(peers).config(config)
          .dataDir(base.resolve(id)).build();
      ActorRef<KvCommand> ref = AskPattern.<HostCommand, ActorRef<KvCommand>>ask(hosts.get(id),
          r -> new StartNode(node, "kv-" + id, r), Duration.ofSeconds(10), system.scheduler())
          .toCompletableFuture().get();
      replicas.put(id, ref);
      KvClient old = clients.put(id, KvClient.create(system, List.of(ref)));
      if (old != null) old.close();
    }

    void stop(String id) throws Exception {
      AskPattern.<HostCommand, Boolean>ask(hosts.get(id), StopNode::new, Duration.ofSeconds(30), system.scheduler())
          .toCompletableFuture().get();
      replicas.remove(id);
    }

    void stopAll() throws Exception {
      for (String id : MEMBERS) stop(id);
    }

    /** Client number {@code i}'s replica (clients spread over the running replicas). */
    KvClient client(int i) {
      List<String> up = MEMBERS.stream().filter(replicas::containsKey).toList();
      return clients.get(up.get(i % up.size()));
    }

    NodeStatus status(String id) {
      try {
        return AskPattern.<io.raftactors.raft.RaftNode.Command, NodeStatus>ask(peers.ref(id), GetStatus::new,
            Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get();
      } catch (Exception e) {
        throw new IllegalStateException("no status from " + id, e);
      }
    }

    String awaitLeader() throws InterruptedException {
      String[] leader = new String[1];
      awaitCondition(Duration.ofSeconds(30), () -> {
        for (String id : MEMBERS) {
          if (replicas.containsKey(id) && status(id).role() == Role.LEADER) {
            leader[0] = id;
            return true;
          }
        }
        return false;
      });
      return leader[0];
    }

    void awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        try {
          if (condition.getAsBoolean()) return;
        } catch (IllegalStateException e) {
          // a node still recovering does not answer yet
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("timed out after " + timeout);
    }

    @Override
    public void close() throws Exception {
      clients.values().forEach(KvClient::close);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private sealed interface HostCommand {}

  private record StartNode(Behavior<KvCommand> node, String name, ActorRef<ActorRef<KvCommand>> replyTo)
      implements HostCommand {}

  private record StopNode(ActorRef<Boolean> replyTo) implements HostCommand {}

  /** The parent of one replica's incarnations; stopping answers once the replica is gone. */
  private static Behavior<HostCommand> host() {
    return Behaviors.setup(ctx -> new Object() {
      private ActorRef<KvCommand> node;
      private ActorRef<Boolean> stopping;

      Behavior<HostCommand> behavior() {
        return Behaviors.receive(HostCommand.class)
            .onMessage(StartNode.class, s -> {
              node = ctx.spawn(s.node(), s.name());
              ctx.watch(node);
              s.replyTo().tell(node);
              return Behaviors.same();
            })
            .onMessage(StopNode.class, s -> {
              if (node == null) {
                s.replyTo().tell(true);
              } else {
                stopping = s.replyTo();
                ctx.stop(node);
                node = null;
              }
              return Behaviors.same();
            })
            .onSignal(Terminated.class, t -> {
              if (stopping != null) stopping.tell(true);
              stopping = null;
              return Behaviors.same();
            })
            .build();
      }
    }.behavior());
  }
}
