package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Three node JVMs from the jar and {@code conf/node1..3.conf} on free loopback ports, driven by
 * Redis clients while the leader is killed with SIGKILL, restarted, and a node is paused with
 * SIGSTOP. Every write gets a key of its own, so the end state tells exactly which writes
 * applied: every acknowledged write must be there, no write answered {@code -TRYAGAIN} may be.
 */
class MultiProcessClusterIT {
  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final List<Thread> writers = new ArrayList<>();
  /** key -> value of every acknowledged SET. */
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  /** Keys whose SET was answered -TRYAGAIN: certainly not applied. */
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final AtomicLong unknown = new AtomicLong();
  private final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong incrAcked = new AtomicLong();
  private final AtomicLong incrAttempted = new AtomicLong();

  @AfterEach
  void stopEverything() throws Exception {
    writing.set(false);
    for (Thread w : writers) w.join(15_000);
    NodeProcess.killAll(nodes);
  }

  @Test
  void survivesLeaderKillRestartAndPauseWithoutLosingAcknowledgedWrites() throws Exception {
    nodes.addAll(NodeProcess.threeNodes(dir, Path.of("target", "it-logs", "multi-process")));
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    String leader = NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(30));
    System.out.println("leader: " + leader);

    // A write through each node, read back through the others.
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        assertEquals("OK", j.set("via:" + n.id, n.id));
      }
    }
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        for (NodeProcess m : nodes) assertEquals(m.id, j.get("via:" + m.id));
      }
    }

    for (NodeProcess n : nodes) startWriter(n);
    Thread.sleep(1500);

    // kill -9 the leader; the others elect a new one and keep taking writes.
    NodeProcess killed = node(leader);
    long oldTerm = Long.parseLong(killed.infoRaft().get("term"));
    long killedAt = System.nanoTime();
    killed.kill();
    List<NodeProcess> survivors = nodes.stream().filter(n -> n != killed).toList();
    String newLeader = NodeProcess.awaitLeader(survivors, oldTerm, Duration.ofSeconds(10));
    long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("after kill -9 of " + leader + ": " + newLeader + " leads, " + electedMs + " ms later");
    assertTrue(electedMs < 5_000, "new leader after " + electedMs + " ms");
    awaitProgress("writes continue through the survivors");

    // Restart it from its data directory: it catches up.
    killed.start();
    killed.awaitServing(Duration.ofSeconds(60));
    awaitCaughtUp(killed, Duration.ofSeconds(30));
    System.out.println(killed.id + " restarted and caught up: " + killed.infoRaft());

    // Pause the current leader with SIGSTOP, then resume it: it must rejoin as a follower.
    NodeProcess paused = node(NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(10)));
    long pausedTerm = Long.parseLong(paused.infoRaft().get("term"));
    paused.signal("STOP");
    List<NodeProcess> others = nodes.stream().filter(n -> n != paused).toList();
    String leaderWhilePaused = NodeProcess.awaitLeader(others, pausedTerm, Duration.ofSeconds(10));
    awaitProgress("writes continue while " + paused.id + " is paused");
    paused.signal("CONT");
    awaitCaughtUp(paused, Duration.ofSeconds(30));
    System.out.println(paused.id + " paused and resumed; " + leaderWhilePaused + " led meanwhile; now "
        + paused.infoRaft());
    Thread.sleep(1000);

    writing.set(false);
    for (Thread w : writers) w.join(30_000);
    System.out.println("writes: " + acked.size() + " acknowledged, " + refused.size() + " refused (-TRYAGAIN), "
        + unknown.get() + " unknown; INCR " + incrAcked.get() + " acknowledged of " + incrAttempted.get());
    assertEquals(List.of(), unexpected, "errors other than -TRYAGAIN / -TIMEOUT");
    checkNoAcknowledgedWriteLost();

    // Clean shutdown on SIGTERM, then a restart of all three from their data: nothing lost.
    for (NodeProcess n : nodes) {
      assertEquals(0, n.terminate(Duration.ofSeconds(30)), n.id + " exit code after SIGTERM");
      String log = java.nio.file.Files.readString(n.log());
      assertTrue(log.contains("SIGTERM, shutting down") && log.contains("stopped cleanly"), log);
    }
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(30));
    checkNoAcknowledgedWriteLost();
  }

  /**
   * Waits for 20 more acknowledged writes. A write that was forwarded to a leader that died waits
   * for its answer until kv.request-timeout (5 s) and then gets -TIMEOUT, so allow for that.
   */
  private void awaitProgress(String what) throws InterruptedException {
    long before = acked.size();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (acked.size() < before + 20 && System.nanoTime() < deadline) Thread.sleep(50);
    assertTrue(acked.size() >= before + 20, what);
  }

  private NodeProcess node(String id) {
    return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
  }

  /** Writes unique keys (and INCRs a shared counter) through node {@code n}, recording outcomes. */
  private void startWriter(NodeProcess n) {
    Thread t = new Thread(() -> {
      long seq = 0;
      Jedis j = null;
      while (writing.get()) {
        String key = "w:" + n.id + ":" + seq++;
        try {
          if (j == null) j = n.client();
          if (seq % 5 == 0) {
            incrAttempted.incrementAndGet();
            j.incr("counter");
            incrAcked.incrementAndGet();
          } else {
            String reply = j.set(key, key);
            if ("OK".equals(reply)) acked.put(key, key);
          }
        } catch (JedisDataException e) {
          if (e.getMessage().startsWith("TRYAGAIN")) {
            if (seq % 5 != 0) refused.add(key);
          } else if (e.getMessage().startsWith("TIMEOUT")) {
            unknown.incrementAndGet();
          } else {
            unexpected.add(key + ": " + e.getMessage());
          }
          pause(50);
        } catch (Exception e) { // connection lost or refused: outcome unknown
          unknown.incrementAndGet();
          if (j != null) j.close();
          j = null;
          pause(100);
        }
      }
      if (j != null) j.close();
    }, "writer-" + n.id);
    t.setDaemon(true);
    t.start();
    writers.add(t);
  }

  private void checkNoAcknowledgedWriteLost() {
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        List<String> keys = new ArrayList<>(acked.keySet());
        for (int from = 0; from < keys.size(); from += 500) {
          List<String> batch = keys.subList(from, Math.min(keys.size(), from + 500));
          List<String> values = j.mget(batch.toArray(String[]::new));
          for (int i = 0; i < batch.size(); i++) {
            assertEquals(batch.get(i), values.get(i), "acknowledged write lost, read through " + n.id);
          }
        }
        List<String> notApplied = new ArrayList<>(refused);
        for (int from = 0; from < notApplied.size(); from += 500) {
          List<String> batch = notApplied.subList(from, Math.min(notApplied.size(), from + 500));
          for (String v : j.mget(batch.toArray(String[]::new))) {
            assertEquals(null, v, "a write answered -TRYAGAIN was applied");
          }
        }
        long counter = Long.parseLong(Optional.ofNullable(j.get("counter")).orElse("0"));
        assertTrue(counter >= incrAcked.get() && counter <= incrAttempted.get(),
            "counter " + counter + " outside [" + incrAcked.get() + ", " + incrAttempted.get() + "]");
      }
    }
  }

  /** Waits until {@code n} applied everything the leader had committed when we started waiting. */
  private void awaitCaughtUp(NodeProcess n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long target = -1;
    while (System.nanoTime() < deadline) {
      if (target < 0) {
        for (NodeProcess m : nodes) {
          Map<String, String> info = m.infoRaft();
          if ("leader".equals(info.get("role"))) target = Long.parseLong(info.get("commit_index"));
        }
      } else {
        Map<String, String> info = n.infoRaft();
        if (info.containsKey("last_applied") && Long.parseLong(info.get("last_applied")) >= target) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(n.id + " did not catch up to " + target + ": " + n.infoRaft());
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
