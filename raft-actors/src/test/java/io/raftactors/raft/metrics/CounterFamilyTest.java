package io.raftactors.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CounterFamilyTest {
  @Test
  void childrenAreCreatedOnFirstUseAndKept() {
    MetricRegistry r = new MetricRegistry();
    CounterFamily f = r.counterFamily("sent_total", "s", "peer");
    assertEquals("peer", f.labelName());
    assertEquals(Map.of(), f.values());
    Counter n2 = f.labels("n2");
    n2.add(3);
    f.labels("n3").increment();
    assertSame(n2, f.labels("n2"));
    assertEquals(new TreeMap<>(Map.of("n2", 3L, "n3", 1L)), f.values());
    assertEquals(List.of("n2", "n3"), List.copyOf(f.values().keySet()), "sorted by label value");
    assertThrows(NullPointerException.class, () -> f.labels(null));
  }

  @Test
  void registeringAgainGivesTheSameFamilyWithTheSameLabelOnly() {
    MetricRegistry r = new MetricRegistry();
    CounterFamily f = r.counterFamily("sent_total", "s", "peer");
    assertSame(f, r.counterFamily("sent_total", "s", "peer"));
    assertThrows(IllegalArgumentException.class, () -> r.counterFamily("sent_total", "s", "node"));
    assertThrows(IllegalArgumentException.class, () -> r.counter("sent_total", "s"), "a family is not a counter");
    assertThrows(IllegalArgumentException.class, () -> r.counterFamily("x_total", "x", "bad-label"));
    assertThrows(IllegalArgumentException.class, () -> r.counterFamily("x_total", "x", "__reserved"));
    assertThrows(IllegalArgumentException.class, () -> r.counterFamily("x_total", "x", "le"));
  }

  @Test
  void concurrentCountsAllLand() throws Exception {
    CounterFamily f = new MetricRegistry().counterFamily("c_total", "c", "k");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      pool.submit(() -> {
        for (int i = 0; i < 10_000; i++) f.labels("v" + (i % 3)).increment();
      });
    }
    pool.shutdown();
    assertEquals(true, pool.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(40_000L, f.values().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(3, f.values().size());
  }
}
