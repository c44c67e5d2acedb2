package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The sorted view a snapshot's keys are bulk-loaded through behaves as a TreeMap of the same keys. */
class SortedRunTest {
  private static KeyValue kv(String key, long revision) {
    return new KeyValue(Bytes.of(key), Bytes.of("v" + revision), revision, revision, 1, 0, 0);
  }

  @Test
  void aTreeMapBuiltFromTheRunEqualsOneBuiltKeyByKeyAndViewsMatchTreeMapViews() {
    long seed = System.nanoTime();
    System.out.println("SortedRunTest seed " + seed);
    Random random = new Random(seed);
    TreeMap<Bytes, KeyValue> expected = new TreeMap<>();
    for (int i = 0; i < 500; i++) {
      KeyValue kv = kv("k" + random.nextInt(2000), i);
      expected.put(kv.key(), kv);
    }
    List<KeyValue> sorted = new ArrayList<>(expected.values());
    assertTrue(SortedRun.strictlyAscending(sorted));
    SortedRun run = new SortedRun(sorted);
    TreeMap<Bytes, KeyValue> built = new TreeMap<>();
    built.putAll(run);
    assertEquals(expected, built, "seed " + seed);
    assertEquals(expected.firstKey(), run.firstKey());
    assertEquals(expected.lastKey(), run.lastKey());
    for (int i = 0; i < 200; i++) {
      Bytes a = Bytes.of("k" + random.nextInt(2100));
      Bytes b = Bytes.of("k" + random.nextInt(2100));
      Bytes lo = a.compareTo(b) <= 0 ? a : b;
      Bytes hi = a.compareTo(b) <= 0 ? b : a;
      assertSame(expected.subMap(lo, hi), run.subMap(lo, hi), seed);
      assertSame(expected.headMap(hi), run.headMap(hi), seed);
      assertSame(expected.tailMap(lo), run.tailMap(lo), seed);
      assertSame(expected.tailMap(lo).headMap(hi), run.tailMap(lo).headMap(hi), seed);
    }
  }

  private static void assertSame(SortedMap<Bytes, KeyValue> expected, SortedMap<Bytes, KeyValue> actual, long seed) {
    assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(actual.entrySet()), "seed " + seed);
    assertEquals(expected.size(), actual.size(), "seed " + seed);
  }

  @Test
  void outOfOrderOrRepeatedKeysAreNotAscending() {
    assertFalse(SortedRun.strictlyAscending(List.of(kv("b", 1), kv("a", 2))));
    assertFalse(SortedRun.strictlyAscending(List.of(kv("a", 1), kv("a", 2))));
    assertTrue(SortedRun.strictlyAscending(List.of()));
  }
}
