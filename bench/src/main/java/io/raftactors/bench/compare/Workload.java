package io.raftactors.bench.compare;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/** The keys ({@code key-000000} ..) and the one random value every target writes. */
record Workload(byte[][] keys, byte[] value) {
  static Workload of(int keySpace, int valueSize) {
    byte[][] keys = new byte[keySpace][];
    for (int i = 0; i < keySpace; i++) keys[i] = String.format("key-%06d", i).getBytes(StandardCharsets.US_ASCII);
    byte[] value = new byte[valueSize];
    Random r = new Random(42);
    for (int i = 0; i < valueSize; i++) value[i] = (byte) ('a' + r.nextInt(26));
    return new Workload(keys, value);
  }

  int randomKey() {
    return ThreadLocalRandom.current().nextInt(keys.length);
  }
}
