package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.assertSameApplied;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static io.raftactors.raft.scenario.Scenarios.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ProposeResult;
import io.raftactors.testkit.AppliedEntry;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random crashes, restarts, partitions and an unreliable network for several seconds while
 * clients propose concurrently; afterwards every acknowledged command is applied on every node,
 * exactly once, in the same order, and no invariant was violated at any point.
 */
@ExtendWith(RaftClusterExtension.class)
class ChurnTest {

  @TempDir Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void reliableNetworkChurn(JournalKind journal, TestClusters clusters) {
    churn(clusters.start(b -> journal.apply(b.nodes(5), tempDir)), false);
  }

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void unreliableNetworkChurnWithDuplicatesAndReordering(JournalKind journal, TestClusters clusters) {
    churn(clusters.start(b -> journal.apply(b.nodes(5), tempDir)), true);
  }

  private void churn(RaftTestCluster c, boolean unreliable) {
    Random random = c.random();
    if (unreliable) {
      c.network().setUnreliable(0.05, Duration.ofMillis(15));
      c.network().setReordering(true);
      c.network().duplicate(0.05);
    }
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      int client = t;
      Thread thread = new Thread(() -> {
        int n = 0;
        while (!stop.get()) {
          String cmd = "c" + client + "-" + n++;
          List<String> up = c.runningNodeIds();
          if (up.isEmpty()) continue;
          String via = up.get(Math.floorMod(cmd.hashCode(), up.size()));
          ProposeResult r = Scenarios.await(c.propose(via, bytes(cmd), Duration.ofSeconds(1)));
          if (r instanceof ProposeResult.Applied) acknowledged.add(cmd);
        }
      }, "churn-client-" + t);
      thread.start();
      clients.add(thread);
    }

    long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (System.nanoTime() < end) {
      int action = random.nextInt(10);
      String id = c.nodeIds().get(random.nextInt(c.nodeIds().size()));
      if (action < 3 && c.isRunning(id) && c.runningNodeIds().size() > 3) {
        c.crash(id);
      } else if (action < 6 && !c.isRunning(id)) {
        c.restart(id);
      } else if (action < 8) {
        // A 3|2 split whose majority side holds running nodes first, so progress stays possible.
        List<String> up = new ArrayList<>(c.runningNodeIds());
        List<String> down = new ArrayList<>(c.nodeIds());
        down.removeAll(up);
        java.util.Collections.shuffle(up, random);
        up.addAll(down);
        c.network().partition(Set.copyOf(up.subList(0, 3)), Set.copyOf(up.subList(3, 5)));
      } else {
        c.network().heal();
      }
      LockSupport.parkNanos((150 + random.nextInt(500)) * 1_000_000L);
    }
    stop.set(true);
    clients.forEach(t -> {
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    c.network().reset();
    for (String id : c.nodeIds()) if (!c.isRunning(id)) c.restart(id);
    c.commit(bytes("final"), Duration.ofSeconds(20));
    awaitConverged(c, Duration.ofSeconds(20));
    assertSameApplied(c);

    List<AppliedEntry> applied = c.applied("n1");
    Set<String> appliedCommands = new HashSet<>();
    for (AppliedEntry e : applied) {
      assertTrue(appliedCommands.add(text(e.command())), "applied twice: " + e);
    }
    for (String cmd : acknowledged) {
      assertTrue(appliedCommands.contains(cmd), () -> "acknowledged " + cmd + " is missing\n" + c.describe());
    }
    System.out.println("churn: " + acknowledged.size() + " acknowledged, " + applied.size() + " applied");
    assertTrue(acknowledged.size() >= 5, "too little got through to mean anything: " + acknowledged.size());
    assertEquals(0, c.observer().violations().size(), c.observer().violations().toString());
  }
}
