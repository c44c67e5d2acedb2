package io.raftactors.bench;

import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.Operation;
import io.raftactors.testkit.lin.RandomHistories;
import io.raftactors.testkit.lin.RegisterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The linearizability checker on register histories that are linearizable by construction (the
 * hardest case: the search must find a full order): {@code ops} operations by {@code clients}
 * concurrent clients over {@code keys} keys, a share of the writes with unknown outcome (as
 * around faults). Reports the time per history and checks that one mutated read per history is
 * caught. Each check has a budget; running out of it is reported, never counted as a pass.
 */
@Command(name = "checker", mixinStandardHelpOptions = true,
    description = "Linearizability checker: time to check random valid register histories.")
final class CheckerBench implements Runnable {
  @Option(names = "--ops", defaultValue = "10000") int ops;
  @Option(names = "--clients", defaultValue = "10") int clients;
  @Option(names = "--keys", defaultValue = "10") int keys;
  @Option(names = "--histories", defaultValue = "10") int histories;
  @Option(names = "--seed", defaultValue = "1") long seed;
  @Option(names = "--unknown", defaultValue = "0.01", description = "Share of writes with unknown outcome.")
  double unknown;
  @Option(names = "--budget-s", defaultValue = "60") long budgetSeconds;

  @Override
  public void run() {
    SplittableRandom random = new SplittableRandom(seed);
    List<Long> times = new ArrayList<>();
    for (int h = 0; h < histories + 2; h++) { // the first two warm up the JIT
      List<Operation> history = RandomHistories.register(random, ops, clients, keys, unknown);
      long start = System.nanoTime();
      LinearizabilityChecker.Result ok = LinearizabilityChecker.check(new RegisterModel(), history, budgetSeconds * 1_000_000_000L);
      long valid = System.nanoTime() - start;
      if (!ok.linearizable()) throw new IllegalStateException("a valid history failed: " + ok.explain());
      List<Operation> mutated = new ArrayList<>(history);
      for (int i = mutated.size() / 2; i < mutated.size(); i++) {
        Operation o = mutated.get(i);
        if (o.input() instanceof RegisterModel.Get && !o.unknown()) {
          mutated.set(i, new Operation(o.id(), o.client(), o.key(), o.input(), "never-written", o.invoked(),
              o.completed()));
          break;
        }
      }
      start = System.nanoTime();
      LinearizabilityChecker.Result bad = LinearizabilityChecker.check(new RegisterModel(), mutated, budgetSeconds * 1_000_000_000L);
      long invalid = System.nanoTime() - start;
      if (bad.linearizable()) throw new IllegalStateException("a mutated history passed");
      if (bad.timedOut()) System.out.println("history " + (h - 1) + ": the mutated history was undecided after "
          + budgetSeconds + " s");
      if (h >= 2) {
        times.add(valid);
        System.out.printf(Locale.ROOT, "history %d: %d ops, valid checked in %.1f ms, mutated rejected in %.1f ms%n",
            h - 1, ops, valid / 1e6, invalid / 1e6);
      }
    }
    times.sort(Long::compare);
    System.out.printf(Locale.ROOT,
        "%d histories of %d ops (%d clients, %d keys, %.1f%% of writes unknown): median %.1f ms, max %.1f ms%n",
        times.size(), ops, clients, keys, unknown * 100, times.get(times.size() / 2) / 1e6, times.get(times.size() - 1) / 1e6);
  }
}
