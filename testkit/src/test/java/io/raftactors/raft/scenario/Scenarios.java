package io.raftactors.raft.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.testkit.AppliedEntry;
import io.raftactors.testkit.RaftTestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Helpers shared by the scenario tests. */
final class Scenarios {
  static final Duration ELECTION = Duration.ofSeconds(5);
  static final Duration COMMIT = Duration.ofSeconds(10);

  private Scenarios() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static ProposeResult await(java.util.concurrent.CompletionStage<ProposeResult> stage) {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The commands node {@code id} applied, as text, in order. */
  static List<String> appliedText(RaftTestCluster c, String id) {
    return c.applied(id).stream().map(e -> text(e.command())).toList();
  }

  /**
   * Every running node applied exactly the same entries (index, term, command). Waits briefly for
   * stragglers (proposals that timed out at the client may still commit after a test's last one).
   */
  static void assertSameApplied(RaftTestCluster c) {
    List<String> up = c.runningNodeIds();
    try {
      c.awaitCondition("all running nodes to apply the same entries", COMMIT, () -> {
        List<AppliedEntry> first = c.applied(up.get(0));
        return up.stream().allMatch(id -> c.applied(id).equals(first));
      });
    } catch (AssertionError e) {
      List<AppliedEntry> first = c.applied(up.get(0));
      for (String id : up) {
        List<AppliedEntry> other = c.applied(id);
        assertEquals(first, other, "applied entries of " + up.get(0) + " " + first + " and " + id
            + " " + other + "\n" + c.describe());
      }
    }
  }

  /** Waits until every running node has applied as many entries as the most advanced one. */
  static void awaitConverged(RaftTestCluster c, Duration timeout) {
    c.awaitCondition("all running nodes to apply the same entries", timeout, () -> {
      List<String> up = c.runningNodeIds();
      long max = up.stream().mapToLong(id -> c.status(id).commitIndex()).max().orElse(0);
      return up.stream().allMatch(id -> {
        NodeStatus s = c.status(id);
        return s.lastApplied() >= max && s.commitIndex() >= max;
      });
    });
  }

  /** Asserts every running node reports the same term. */
  static long assertTermsAgree(RaftTestCluster c) {
    long term = -1;
    for (String id : c.runningNodeIds()) {
      long t = c.status(id).term();
      if (term == -1) term = t;
      assertEquals(term, t, () -> "terms disagree\n" + c.describe());
    }
    return term;
  }

  /** Runs {@code check} repeatedly for {@code duration}; each run must pass. */
  static void holdsFor(Duration duration, Runnable check) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      check.run();
      LockSupport.parkNanos(25_000_000);
    }
  }
}
