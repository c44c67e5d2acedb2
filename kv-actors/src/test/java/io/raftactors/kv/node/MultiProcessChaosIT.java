package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftactors.testkit.lin.CounterModel;
import io.raftactors.testkit.lin.ExpiringRegisterModel;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.Model;
import io.raftactors.testkit.lin.Operation;
import io.raftactors.testkit.lin.RegisterModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * The Jepsen-style workload over RESP against three node JVMs: clients GET, SET, SET NX, DEL,
 * INCR, and SET PX / SET NX PX on a key that expires, through every node while a seeded nemesis kills nodes with SIGKILL (and restarts them) and
 * pauses them with SIGSTOP/SIGCONT. The recorded history must be linearizable and the nodes must
 * agree afterwards, with the TTL key gone. -TRYAGAIN counts as "not applied", -TIMEOUT and lost connections as "unknown".
 */
class MultiProcessChaosIT {
  static final List<String> REGISTERS = List.of("r0", "r1", "r2");
  static final List<String> COUNTERS = List.of("c0");
  static final List<String> TTL_KEYS = List.of("t0");
  /** Entry times come from the leader's wall clock, the history's from this JVM's nanoTime. */
  static final long EXPIRY_SLACK_MS = 20;
  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<String> nemesisLog = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws Exception {
    NodeProcess.killAll(nodes);
  }

  @Test
  void historiesOverRespUnderKillsAndPausesAreLinearizable() throws Exception {
    long seed = Long.getLong("raft.chaos.seed", new Random().nextLong());
    System.out.println("multi-process chaos seed " + seed + " (-Draft.chaos.seed=" + seed + " to replay the schedule)");
    nodes.addAll(NodeProcess.threeNodes(dir, Path.of("target", "it-logs", "chaos")));
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));

    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 5; c++) {
      int client = c;
      SplittableRandom random = new SplittableRandom(seed * 100 + c);
      Thread t = new Thread(() -> work(client, random, history, stop), "resp-client-" + c);
      t.setDaemon(true);
      clients.add(t);
    }
    clients.forEach(Thread::start);
    runNemesis(new Random(seed), Duration.ofSeconds(Long.getLong("raft.chaos.seconds", 20)));
    Thread.sleep(2000);
    stop.set(true);
    for (Thread t : clients) t.join(60_000);

    List<Operation> ops = history.operations();
    long done = ops.stream().filter(o -> !o.unknown()).count();
    String report = "seed " + seed + "\nnemesis:\n  " + String.join("\n  ", nemesisLog);
    System.out.println("multi-process chaos: " + ops.size() + " operations (" + done + " completed, "
        + (ops.size() - done) + " unknown)\n" + report);
    assertEquals(List.of(), unexpected, report);
    assertTrue(done > 200, "only " + done + " completed\n" + report);
    check(ops, REGISTERS, new RegisterModel(), report);
    check(ops, COUNTERS, new CounterModel(), report);
    check(ops, TTL_KEYS, new ExpiringRegisterModel(EXPIRY_SLACK_MS), report);
    assertConverged(report);
  }

  private void runNemesis(Random random, Duration total) throws Exception {
    long start = System.nanoTime();
    long end = start + total.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(800 + random.nextInt(800));
      NodeProcess victim = nodes.get(random.nextInt(nodes.size()));
      boolean kill = random.nextBoolean();
      long at = (System.nanoTime() - start) / 1_000_000;
      if (kill) {
        victim.kill();
        nemesisLog.add(at + " ms kill -9 " + victim.id);
        Thread.sleep(500 + random.nextInt(1500));
        victim.start();
        victim.awaitServing(Duration.ofSeconds(60));
        nemesisLog.add((System.nanoTime() - start) / 1_000_000 + " ms restarted " + victim.id);
      } else {
        victim.signal("STOP");
        nemesisLog.add(at + " ms SIGSTOP " + victim.id);
        Thread.sleep(500 + random.nextInt(2000));
        victim.signal("CONT");
        nemesisLog.add((System.nanoTime() - start) / 1_000_000 + " ms SIGCONT " + victim.id);
      }
    }
  }

  private void work(int client, SplittableRandom random, History history, AtomicBoolean stop) {
    Jedis jedis = null;
    int node = client % nodes.size();
    long n = 0;
    while (!stop.get()) {
      n++;
      try {
        if (jedis == null) jedis = nodes.get(node).client();
      } catch (Exception e) {
        node = (node + 1) % nodes.size();
        pause(100);
        continue;
      }
      Jedis j = jedis;
      int dice = random.nextInt(100);
      String register = REGISTERS.get(random.nextInt(REGISTERS.size()));
      String counter = COUNTERS.get(0);
      String value = client + "-" + n;
      boolean ok;
      String ttlKey = TTL_KEYS.get(0);
      long ttl = 100 + random.nextInt(1100);
      if (dice < 30) {
        ok = record(history.invoke(client, register, new RegisterModel.Get()), () -> j.get(register));
      } else if (dice < 48) {
        ok = record(history.invoke(client, register, new RegisterModel.Put(value)), () -> j.set(register, value));
      } else if (dice < 56) {
        ok = record(history.invoke(client, register, new RegisterModel.PutIfAbsent(value)),
            () -> "OK".equals(j.set(register, value, SetParams.setParams().nx())));
      } else if (dice < 60) {
        ok = record(history.invoke(client, register, new RegisterModel.Delete()), () -> j.del(register) == 1);
      } else if (dice < 76) {
        ok = record(history.invoke(client, counter, new CounterModel.Add(1)), () -> j.incr(counter));
      } else if (dice < 82) {
        ok = record(history.invoke(client, ttlKey, new ExpiringRegisterModel.Get()), () -> j.get(ttlKey));
      } else if (dice < 83) { // about every 300 ms: values live to their TTL as often as not
        ok = random.nextBoolean()
            ? record(history.invoke(client, ttlKey, new ExpiringRegisterModel.Put(value, ttl)),
                () -> j.set(ttlKey, value, SetParams.setParams().px(ttl)))
            : record(history.invoke(client, ttlKey, new ExpiringRegisterModel.PutIfAbsent(value, ttl)),
                () -> "OK".equals(j.set(ttlKey, value, SetParams.setParams().nx().px(ttl))));
      } else {
        ok = record(history.invoke(client, counter, new CounterModel.Read()), () -> {
          String v = j.get(counter);
          return v == null ? 0L : Long.parseLong(v);
        });
      }
      if (!ok) { // the connection is gone or the node is not serving: try another node
        jedis.close();
        jedis = null;
        node = (node + 1) % nodes.size();
        pause(50);
      }
    }
    if (jedis != null) jedis.close();
  }

  /** Runs one request and records its outcome; false when the connection should be replaced. */
  private boolean record(History.Call call, Supplier<Object> request) {
    try {
      call.ok(request.get());
      return true;
    } catch (JedisDataException e) {
      String m = e.getMessage();
      if (m.startsWith("TRYAGAIN")) call.failed();
      else if (m.startsWith("TIMEOUT")) call.unknown();
      else {
        call.unknown();
        unexpected.add(m);
      }
      return !m.startsWith("TIMEOUT");
    } catch (RuntimeException e) { // connection refused, reset or timed out: the outcome is unknown
      call.unknown();
      return false;
    }
  }

  private static <S> void check(List<Operation> ops, List<String> keys, Model<S> model, String report) {
    List<Operation> mine = ops.stream().filter(o -> keys.contains(o.key())).toList();
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(model, mine, TimeUnit.SECONDS.toNanos(120));
    assertTrue(r.linearizable(), r.explain() + "\n" + report);
  }

  private void assertConverged(String report) throws Exception {
    try (Jedis j = nodes.get(0).client()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (true) {
        try {
          j.set("converge-marker", "x");
          break;
        } catch (JedisDataException e) {
          if (System.nanoTime() > deadline) throw e;
          Thread.sleep(200);
        }
      }
    }
    List<String> keys = new ArrayList<>(REGISTERS);
    keys.addAll(COUNTERS);
    keys.addAll(TTL_KEYS);
    keys.add("converge-marker");
    Map<String, Map<String, String>> views = new TreeMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      views.clear();
      for (NodeProcess n : nodes) {
        Map<String, String> view = new TreeMap<>();
        try (Jedis j = n.client()) {
          j.sendCommand(() -> "READCONSISTENCY".getBytes(), "stale");
          for (String k : keys) view.put(k, j.get(k));
        }
        views.put(n.id, view);
      }
      boolean expired = views.values().stream().allMatch(v -> TTL_KEYS.stream().allMatch(k -> v.get(k) == null));
      if (expired && views.values().stream().distinct().count() == 1) return;
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    assertEquals(1, views.values().stream().distinct().count(), "nodes differ: " + views + "\n" + report);
    fail("the TTL keys did not expire within 30 s of the end: " + views + "\n" + report);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
