package io.raftactors.testkit.lin;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Register histories that are linearizable by construction, for testing and benchmarking the
 * checker: each client runs one operation at a time; every operation takes effect at a random
 * instant inside its interval and its output is computed there. A share of the writes
 * ({@code unknownRate}) have an unknown outcome; half of those never take effect.
 */
public final class RandomHistories {
  private RandomHistories() {}

  public static List<Operation> register(SplittableRandom random, int size, int clients, int keys,
      double unknownRate) {
    record Planned(int client, String key, Object input, long from, long to, long at, boolean unknown) {}
    List<Planned> planned = new ArrayList<>(size);
    long[] clientFree = new long[clients];
    for (int i = 0; i < size; i++) {
      int client = random.nextInt(clients);
      long from = clientFree[client] + random.nextInt(1, 50);
      long to = from + random.nextInt(1, 200);
      clientFree[client] = to;
      String key = "k" + random.nextInt(keys);
      Object input = switch (random.nextInt(5)) {
        case 0, 1 -> new RegisterModel.Get();
        case 2 -> new RegisterModel.Put("v" + i);
        case 3 -> new RegisterModel.Cas(random.nextBoolean() ? null : "v" + random.nextInt(Math.max(1, i)), "v" + i);
        default -> new RegisterModel.PutIfAbsent("v" + i);
      };
      boolean unknown = !(input instanceof RegisterModel.Get) && random.nextDouble() < unknownRate;
      long at = unknown && random.nextBoolean() ? Long.MAX_VALUE : random.nextLong(from, to + 1);
      planned.add(new Planned(client, key, input, from, to, at, unknown));
    }
    List<Planned> byPoint = new ArrayList<>(planned);
    byPoint.sort((a, b) -> Long.compare(a.at(), b.at()));
    Map<String, Optional<String>> state = new HashMap<>();
    Map<Planned, Object> outputs = new IdentityHashMap<>();
    RegisterModel model = new RegisterModel();
    for (Planned p : byPoint) {
      if (p.at() == Long.MAX_VALUE) continue; // never applied
      Optional<String> before = state.getOrDefault(p.key(), Optional.empty());
      Object output;
      if (p.input() instanceof RegisterModel.Get) output = before.orElse(null);
      else if (p.input() instanceof RegisterModel.Put) output = "OK";
      else if (p.input() instanceof RegisterModel.Cas c) output = Objects.equals(before.orElse(null), c.expected());
      else output = before.isEmpty();
      state.put(p.key(), model.step(before, p.input(), output));
      outputs.put(p, output);
    }
    List<Operation> ops = new ArrayList<>(size);
    for (Planned p : planned) {
      ops.add(p.unknown()
          ? new Operation(ops.size(), p.client(), p.key(), p.input(), Operation.UNKNOWN, p.from(), Long.MAX_VALUE)
          : new Operation(ops.size(), p.client(), p.key(), p.input(), outputs.get(p), p.from(), p.to()));
    }
    return ops;
  }
}
