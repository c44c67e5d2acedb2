package io.raftactors.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
  @Test
  void aValueLandsInTheFirstBucketWhoseBoundHoldsIt() {
    Histogram h = new MetricRegistry().histogram("batch", "b", Histogram.powersOfTwo(4), 1);
    for (long v : new long[] {0, 1, 2, 3, 4, 5, 8, 9, 1000}) h.observe(v);
    Histogram.Snapshot s = h.snapshot();
    assertArrayEquals(new long[] {1, 2, 4, 8}, s.bounds());
    // <=1: 0 and 1; <=2: 2; <=4: 3 and 4; <=8: 5 and 8; above: 9 and 1000
    assertArrayEquals(new long[] {2, 1, 2, 2, 2}, s.counts());
    assertEquals(9, s.count());
    assertEquals(1032, s.sum());
  }

  @Test
  void exponentialBoundsAreRounded() {
    assertArrayEquals(new long[] {25, 50, 100, 200}, Histogram.exponential(25, 2, 4));
    assertArrayEquals(new long[] {10, 15, 23}, Histogram.exponential(10, 1.5, 3));
    assertThrows(IllegalArgumentException.class, () -> new Histogram("h", "h", new long[] {2, 2}, 1));
  }

  @Test
  void registeringAgainGivesTheSameMetricAndKeepsTheFirstOrder() {
    MetricRegistry r = new MetricRegistry();
    Counter c = r.counter("a_total", "a");
    r.gauge("b", "b").set(7);
    c.add(3);
    assertSame(c, r.counter("a_total", "a"));
    assertEquals(3, r.counter("a_total", "a").get());
    assertEquals(List.of("a_total", "b"), r.all().stream().map(Metric::name).toList());
    assertThrows(IllegalArgumentException.class, () -> r.gauge("a_total", "a"), "a counter is not a gauge");
    assertThrows(IllegalArgumentException.class, () -> r.counter("Bad-Name", "x"));
    Histogram h = r.histogram("h", "h", Histogram.powersOfTwo(3), 1);
    assertSame(h, r.histogram("h", "h", Histogram.powersOfTwo(3), 1));
    assertThrows(IllegalArgumentException.class, () -> r.histogram("h", "h", Histogram.powersOfTwo(4), 1),
        "the same name with other buckets");
  }
}
