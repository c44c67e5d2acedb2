package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.Nemesis;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import io.raftactors.testkit.lin.CounterModel;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.Model;
import io.raftactors.testkit.lin.Operation;
import io.raftactors.testkit.lin.RegisterModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jepsen-style: clients read (LINEARIZABLE and LEASE), write, compare-and-set and increment
 * through every replica while the nemesis partitions, crashes, loses, delays, reorders,
 * duplicates and skews clocks within the lease drift bound; the recorded history
 * must be linearizable (registers and counters, key by key), and after healing all replicas must
 * hold the same state. Each run prints its seeds; the nemesis log is printed on failure.
 */
@ExtendWith(RaftClusterExtension.class)
class KvChaosTest {
  static final Duration RUN = Duration.ofSeconds(Long.getLong("raft.chaos.seconds", 8));
  static final List<String> REGISTERS = List.of("r0", "r1", "r2", "r3");
  static final List<String> COUNTERS = List.of("c0", "c1");

  /** Runs in `mvn verify`: 4; with -Pchaos (or -Draft.chaos.runs=N): many more. */
  static java.util.stream.IntStream runs() {
    return java.util.stream.IntStream.rangeClosed(1, Integer.getInteger("raft.chaos.runs", 4));
  }

  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void historiesUnderFaultsAreLinearizable(int run, TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 5, b -> b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
    long seed = c.raft.seed() * 31 + run;
    System.out.println("chaos run " + run + ": nemesis seed " + seed + ", cluster seed " + c.raft.seed());
    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    List<KvClient> kvClients = new ArrayList<>();
    for (int client = 0; client < 6; client++) {
      KvClient kv = client % 2 == 0 ? c.client() : c.clientOf(c.raft.nodeIds().get(client % 5));
      kvClients.add(kv);
      int id = client;
      SplittableRandom random = new SplittableRandom(seed * 1000 + client);
      clients.add(new Thread(() -> work(id, kv, random, history, stop), "chaos-client-" + client));
    }
    Nemesis nemesis = new Nemesis(c.raft, seed, Nemesis.all(), Duration.ofMillis(800), Duration.ofMillis(400));
    clients.forEach(Thread::start);
    nemesis.start();
    Thread.sleep(RUN.toMillis());
    nemesis.close();
    Thread.sleep(1000); // healed: the clients finish what is in flight
    stop.set(true);
    for (Thread t : clients) t.join(60_000);
    kvClients.forEach(KvClient::close);

    List<Operation> ops = history.operations();
    String report = "seed " + seed + "\nnemesis:\n  " + String.join("\n  ", nemesis.log());
    long ok = ops.stream().filter(o -> !o.unknown()).count();
    System.out.println("chaos run " + run + ": " + ops.size() + " operations (" + ok + " completed, "
        + (ops.size() - ok) + " unknown), " + nemesis.log().size() + " nemesis actions");
    assertTrue(ok > 200, "only " + ok + " operations completed\n" + report);
    check(ops, REGISTERS, new RegisterModel(), report);
    check(ops, COUNTERS, new CounterModel(), report);
    assertConverged(c, report);
  }

  private static <S> void check(List<Operation> ops, List<String> keys, Model<S> model, String report) {
    List<Operation> mine = ops.stream().filter(o -> keys.contains(o.key())).toList();
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(model, mine, TimeUnit.SECONDS.toNanos(60));
    assertTrue(r.linearizable(), r.explain() + "\n" + report);
  }

  /** After healing, every replica applies the same writes: the same values everywhere. */
  private static void assertConverged(KvCluster c, String report) {
    List<String> keys = new ArrayList<>(REGISTERS);
    keys.addAll(COUNTERS);
    try (KvClient any = c.client()) {
      await(any.put("converge-marker", "x")); // committed by the current leader, with everything before
    }
    Map<String, Map<String, String>> views = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      views.clear();
      for (String id : c.raft.nodeIds()) {
        Map<String, String> view = new TreeMap<>();
        try (KvClient kv = c.clientOf(id)) {
          for (String k : keys) {
            view.put(k, await(kv.get(Bytes.of(k), ReadConsistency.STALE)).map(v -> v.value().utf8()).orElse(null));
          }
          view.put("converge-marker", await(kv.get(Bytes.of("converge-marker"), ReadConsistency.STALE))
              .map(v -> v.value().utf8()).orElse(null));
        } catch (RuntimeException e) {
          view.put("error", e.toString());
        }
        views.put(id, view);
      }
      if (views.values().stream().distinct().count() == 1 || System.nanoTime() > deadline) break;
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertEquals(1, views.values().stream().distinct().count(), "replicas differ: " + views + "\n" + report);
  }

  private static void work(int client, KvClient kv, SplittableRandom random, History history, AtomicBoolean stop) {
    long n = 0;
    while (!stop.get()) {
      n++;
      int dice = random.nextInt(100);
      if (dice < 35) {
        String key = REGISTERS.get(random.nextInt(REGISTERS.size()));
        ReadConsistency level = dice < 20 ? ReadConsistency.LINEARIZABLE : ReadConsistency.LEASE;
        record(history.invoke(client, key, new RegisterModel.Get()),
            kv.get(Bytes.of(key), level), v -> v.map(x -> x.value().utf8()).orElse(null));
      } else if (dice < 55) {
        String key = REGISTERS.get(random.nextInt(REGISTERS.size()));
        String value = client + "-" + n;
        record(history.invoke(client, key, new RegisterModel.Put(value)), kv.put(key, value), r -> "OK");
      } else if (dice < 70) {
        String key = REGISTERS.get(random.nextInt(REGISTERS.size()));
        String expected = random.nextInt(4) == 0 ? null : random.nextInt(6) + "-" + random.nextInt((int) n + 1);
        String value = client + "-" + n;
        record(history.invoke(client, key, new RegisterModel.Cas(expected, value)),
            kv.compareAndSet(key, expected, value), b -> b);
      } else if (dice < 88) {
        String key = COUNTERS.get(random.nextInt(COUNTERS.size()));
        record(history.invoke(client, key, new CounterModel.Add(1)), kv.increment(key, 1), v -> v);
      } else {
        String key = COUNTERS.get(random.nextInt(COUNTERS.size()));
        record(history.invoke(client, key, new CounterModel.Read()),
            kv.get(Bytes.of(key), ReadConsistency.LINEARIZABLE), v -> v.map(x -> Long.parseLong(x.value().utf8())).orElse(0L));
      }
    }
  }

  static <T> void record(History.Call call, CompletionStage<T> op, Function<T, Object> output) {
    try {
      call.ok(output.apply(op.toCompletableFuture().get(30, TimeUnit.SECONDS)));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof KvException.NotApplied || e.getCause() instanceof KvException.Refused) call.failed();
      else call.unknown();
    } catch (Exception e) {
      call.unknown();
    }
  }

  static <T> T await(CompletionStage<T> stage) {
    return KvClusterTest.await(stage);
  }

}
