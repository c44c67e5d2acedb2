package io.raftactors.testkit.lin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
  static final Object U = Operation.UNKNOWN;
  static final long INF = Long.MAX_VALUE;
  private final List<Operation> ops = new ArrayList<>();

  private void op(int client, String key, Object input, Object output, long from, long to) {
    ops.add(new Operation(ops.size(), client, key, input, output, from, to));
  }

  private <S> LinearizabilityChecker.Result check(Model<S> model) {
    return LinearizabilityChecker.check(model, ops);
  }

  @Test
  void sequentialAndOverlappingHistoriesPass() {
    op(1, "k", new RegisterModel.Put("1"), "OK", 0, 10);
    op(2, "k", new RegisterModel.Get(), null, 1, 2); // before the put took effect
    op(3, "k", new RegisterModel.Get(), "1", 3, 4); // after
    op(2, "k", new RegisterModel.Cas("1", "2"), true, 11, 12);
    op(3, "k", new RegisterModel.Get(), "2", 13, 14);
    op(1, "j", new RegisterModel.Get(), null, 0, 1);
    assertTrue(check(new RegisterModel()).linearizable());
  }

  @Test
  void aStaleReadAfterACompletedWriteFails() {
    op(1, "k", new RegisterModel.Put("1"), "OK", 0, 1);
    op(1, "k", new RegisterModel.Put("2"), "OK", 2, 3);
    op(2, "k", new RegisterModel.Get(), "1", 4, 5);
    LinearizabilityChecker.Result r = check(new RegisterModel());
    assertFalse(r.linearizable());
    assertTrue(r.explain().contains("get -> 1"), r.explain());
  }

  @Test
  void aLostIncrementFails() {
    op(1, "c", new CounterModel.Add(1), 1L, 0, 1);
    op(2, "c", new CounterModel.Add(1), 1L, 2, 3);
    assertFalse(check(new CounterModel()).linearizable());
    ops.clear();
    op(1, "c", new CounterModel.Add(1), 1L, 0, 5);
    op(2, "c", new CounterModel.Add(1), 2L, 1, 6);
    op(3, "c", new CounterModel.Read(), 2L, 7, 8);
    assertTrue(check(new CounterModel()).linearizable());
  }

  @Test
  void twoConcurrentSetnxCannotBothWin() {
    op(1, "lock", new RegisterModel.PutIfAbsent("a"), true, 0, 10);
    op(2, "lock", new RegisterModel.PutIfAbsent("b"), true, 1, 9);
    assertFalse(check(new RegisterModel()).linearizable());
  }

  @Test
  void aReadOfAValueNeverWrittenFails() {
    op(1, "k", new RegisterModel.Put("1"), "OK", 0, 10);
    op(2, "k", new RegisterModel.Get(), "7", 1, 11);
    assertFalse(check(new RegisterModel()).linearizable());
  }

  @Test
  void anUnknownWriteMayApplyLateOrNever() {
    op(1, "k", new RegisterModel.Put("1"), U, 0, INF);
    op(2, "k", new RegisterModel.Get(), null, 5, 6);
    op(2, "k", new RegisterModel.Get(), "1", 7, 8);
    assertTrue(check(new RegisterModel()).linearizable(), "applied between the reads");
    ops.clear();
    op(1, "k", new RegisterModel.Put("1"), U, 0, INF);
    op(2, "k", new RegisterModel.Get(), null, 5, 6);
    assertTrue(check(new RegisterModel()).linearizable(), "never applied");
    ops.clear();
    op(1, "k", new RegisterModel.Put("1"), U, 10, INF);
    op(2, "k", new RegisterModel.Get(), "1", 5, 6);
    assertFalse(check(new RegisterModel()).linearizable(), "not before it was invoked");
    ops.clear();
    op(1, "k", new RegisterModel.Put("1"), U, 0, INF);
    op(2, "k", new RegisterModel.Get(), "1", 5, 6);
    op(2, "k", new RegisterModel.Get(), null, 7, 8);
    assertFalse(check(new RegisterModel()).linearizable(), "a write cannot be undone");
  }

  @Test
  void transactionsOnTheWholeMap() {
    Map<String, String> absent = new HashMap<>();
    absent.put("x", null);
    op(1, null, new KvMapModel.Txn(absent, Map.of("x", "1", "y", "1")), true, 0, 10);
    op(2, null, new KvMapModel.Txn(absent, Map.of("x", "2", "y", "2")), false, 1, 11);
    op(3, null, new KvMapModel.Get("y"), "1", 12, 13);
    assertTrue(check(new KvMapModel()).linearizable());
    ops.set(1, new Operation(1, 2, null, new KvMapModel.Txn(absent, Map.of("x", "2", "y", "2")), true, 1, 11));
    assertFalse(check(new KvMapModel()).linearizable(), "both transactions saw x absent");
  }

  /**
   * Random histories of 5 clients on 3 keys made valid by construction (outputs computed at a
   * random linearization point inside each operation's interval) pass; a read changed to a
   * value never written fails.
   */
  @Test
  void randomValidHistoriesPassAndTheirMutationsFail() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("randomValidHistoriesPassAndTheirMutationsFail seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 50; round++) {
      List<Operation> history = RandomHistories.register(random, 200, 5, 3, 0.1);
      LinearizabilityChecker.Result r = LinearizabilityChecker.check(new RegisterModel(), history);
      assertTrue(r.linearizable(), "seed " + seed + " round " + round + ": " + r.explain());
      List<Integer> reads = new ArrayList<>();
      for (Operation op : history) if (op.input() instanceof RegisterModel.Get && !op.unknown()) reads.add(op.id());
      if (reads.isEmpty()) continue;
      int victim = reads.get(random.nextInt(reads.size()));
      List<Operation> mutated = new ArrayList<>(history);
      Operation o = mutated.get(victim);
      mutated.set(victim, new Operation(o.id(), o.client(), o.key(), o.input(), "never-written", o.invoked(), o.completed()));
      assertFalse(LinearizabilityChecker.check(new RegisterModel(), mutated).linearizable(),
          "seed " + seed + " round " + round + ": mutation of #" + victim + " passed");
    }
  }

  /**
   * Operations that change nothing where they first fit may still have to go later: a put of the
   * value the register holds, an unknown delete of an absent key, an unknown failed-looking CAS.
   * Only read-only operations (Model.readOnly) may be pinned to their first place.
   */
  @Test
  void aWriteThatChangesNothingWhereItFirstFitsMayHaveToGoLater() {
    op(1, "k", new RegisterModel.Put("v"), "OK", 0, 1);
    op(1, "k", new RegisterModel.Put("v"), "OK", 2, 20);
    op(2, "k", new RegisterModel.Put("w"), "OK", 3, 4);
    op(3, "k", new RegisterModel.Get(), "v", 5, 6);
    assertTrue(check(new RegisterModel()).linearizable());

    ops.clear();
    op(1, "k", new RegisterModel.Delete(), U, 0, INF);
    op(2, "k", new RegisterModel.PutIfAbsent("z"), true, 1, 2);
    op(3, "k", new RegisterModel.Get(), null, 3, 4);
    assertTrue(check(new RegisterModel()).linearizable());

    ops.clear();
    op(1, "k", new RegisterModel.Cas("b", "c"), U, 0, INF);
    op(2, "k", new RegisterModel.Put("b"), "OK", 1, 2);
    op(3, "k", new RegisterModel.Get(), "c", 3, 4);
    assertTrue(check(new RegisterModel()).linearizable());
  }
}
