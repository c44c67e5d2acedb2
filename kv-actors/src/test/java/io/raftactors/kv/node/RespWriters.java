package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Writers for the multi-process tests: each writes unique keys (and every fifth time INCRs a
 * shared counter) through one node over RESP and records the outcome, so the end state tells
 * exactly which writes applied: every acknowledged write must be there, no write answered
 * {@code -TRYAGAIN} may be, and the counter lies between the INCRs acknowledged and attempted.
 */
final class RespWriters implements AutoCloseable {
  private final String prefix;
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final List<Thread> writers = new ArrayList<>();
  /** key -> value of every acknowledged SET. */
  final Map<String, String> acked = new ConcurrentHashMap<>();
  /** Keys whose SET was answered -TRYAGAIN: certainly not applied. */
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  final AtomicLong unknown = new AtomicLong();
  final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicLong incrAcked = new AtomicLong();
  final AtomicLong incrAttempted = new AtomicLong();

  RespWriters(String prefix) {
    this.prefix = prefix;
  }

  /** Starts a writer through node {@code n}. */
  void start(NodeProcess n) {
    Thread t = new Thread(() -> {
      long seq = 0;
      Jedis j = null;
      while (writing.get()) {
        String key = prefix + ":" + n.id + ":" + seq++;
        try {
          if (j == null) j = n.client();
          if (seq % 5 == 0) {
            incrAttempted.incrementAndGet();
            j.incr(prefix + ":counter");
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

  /**
   * Waits for 20 more acknowledged writes. A write that was forwarded to a leader that died waits
   * for its answer until kv.request-timeout (5 s) and then gets -TIMEOUT, so allow for that.
   */
  void awaitProgress(String what) throws InterruptedException {
    long before = acked.size();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (acked.size() < before + 20 && System.nanoTime() < deadline) Thread.sleep(50);
    assertTrue(acked.size() >= before + 20, what);
  }

  /** Stops the writers and waits for them. */
  @Override
  public void close() throws InterruptedException {
    writing.set(false);
    for (Thread w : writers) w.join(30_000);
  }

  String summary() {
    return acked.size() + " acknowledged, " + refused.size() + " refused (-TRYAGAIN), " + unknown.get()
        + " unknown; INCR " + incrAcked.get() + " acknowledged of " + incrAttempted.get();
  }

  /** Reads everything back through each of {@code nodes}: nothing acknowledged lost, nothing refused applied. */
  void checkNothingLost(List<NodeProcess> nodes) {
    assertEquals(List.of(), unexpected, "errors other than -TRYAGAIN / -TIMEOUT");
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        List<String> keys = new ArrayList<>(acked.keySet());
        for (int from = 0; from < keys.size(); from += 500) {
          List<String> batch = keys.subList(from, Math.min(keys.size(), from + 500));
          List<String> values = retrying(() -> j.mget(batch.toArray(String[]::new)));
          for (int i = 0; i < batch.size(); i++) {
            assertEquals(batch.get(i), values.get(i), "acknowledged write lost, read through " + n.id);
          }
        }
        List<String> notApplied = new ArrayList<>(refused);
        for (int from = 0; from < notApplied.size(); from += 500) {
          List<String> batch = notApplied.subList(from, Math.min(notApplied.size(), from + 500));
          for (String v : retrying(() -> j.mget(batch.toArray(String[]::new)))) {
            assertEquals(null, v, "a write answered -TRYAGAIN was applied");
          }
        }
        long counter = Long.parseLong(Optional.ofNullable(retrying(() -> j.get(prefix + ":counter"))).orElse("0"));
        assertTrue(counter >= incrAcked.get() && counter <= incrAttempted.get(),
            "counter " + counter + " outside [" + incrAcked.get() + ", " + incrAttempted.get() + "]");
      }
    }
  }

  /**
   * A read, repeated while it answers -TRYAGAIN or -TIMEOUT (a node still replaying its journal or
   * electing a leader after a restart); reads change nothing, so repeating one is safe.
   */
  private static <T> T retrying(java.util.function.Supplier<T> read) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return read.get();
      } catch (JedisDataException e) {
        boolean retryable = e.getMessage().startsWith("TRYAGAIN") || e.getMessage().startsWith("TIMEOUT");
        if (!retryable || System.nanoTime() > deadline) throw e;
        pause(200);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
