package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.appliedText;
import static io.raftactors.raft.scenario.Scenarios.assertSameApplied;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.NodeStatus;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;

/** Crashes and restarts with what the journals made durable (6.824 "2C" spirit). */
@ExtendWith(RaftClusterExtension.class)
class PersistenceTest {
  @TempDir Path tempDir;

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void everythingCommittedSurvivesACrashOfAllNodes(JournalKind journal, TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> journal.apply(b.nodes(3), tempDir));
    c.awaitLeader(ELECTION);
    c.commit(bytes("a"), COMMIT);
    c.commit(bytes("b"), COMMIT);
    awaitConverged(c, COMMIT);
    NodeStatus before = c.status(c.awaitLeader(ELECTION));

    for (String id : c.nodeIds()) c.crash(id);
    for (String id : c.nodeIds()) c.restart(id);
    String leader = c.awaitLeader(ELECTION);
    assertTrue(c.status(leader).term() > before.term(), "a new term after the restart");
    c.commit(bytes("c"), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) assertEquals(List.of("a", "b", "c"), appliedText(c, id));

    // Once more, crashing them one after the other while the rest keep going.
    for (String id : c.nodeIds()) {
      c.crash(id);
      c.commit(bytes("without-" + id), COMMIT);
      c.restart(id);
    }
    c.commit(bytes("end"), COMMIT);
    awaitConverged(c, COMMIT);
    assertSameApplied(c);
    assertEquals(List.of("a", "b", "c", "without-n1", "without-n2", "without-n3", "end"), appliedText(c, "n1"));
  }

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void repeatedLeaderCrashesLoseNothingCommitted(JournalKind journal, TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> journal.apply(b.nodes(5), tempDir));
    List<String> committed = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      String leader = c.awaitLeader(ELECTION);
      String cmd = "round-" + round;
      c.commit(bytes(cmd), COMMIT);
      committed.add(cmd);
      c.crash(leader);
      c.awaitLeader(ELECTION);
      c.restart(leader);
    }
    c.commit(bytes("end"), COMMIT);
    committed.add("end");
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) assertEquals(committed, appliedText(c, id), () -> id + "\n" + c.describe());
  }

  /**
   * Raft's Figure 8 run at random (as 6.824's TestFigure8): leaders crash soon after taking
   * proposals, nodes restart at random, with journals that lose unacknowledged writes. The
   * invariant observer checks that no entry committed is ever lost or changed.
   */
  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void figure8AtRandomNeverLosesACommittedEntry(JournalKind journal, TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> journal.apply(b.nodes(5), tempDir));
    Random random = c.random();
    c.awaitLeader(ELECTION);
    for (int iteration = 0; iteration < 25; iteration++) {
      Optional<String> leader = Optional.empty();
      for (String id : c.runningNodeIds()) {
        c.propose(id, bytes("f8-" + iteration + "-" + id));
        if (c.isRunning(id) && c.status(id).role() == io.raftactors.raft.Role.LEADER) leader = Optional.of(id);
      }
      LockSupport.parkNanos(random.nextInt(10) < 8
          ? random.nextInt(15) * 1_000_000L
          : random.nextInt(400) * 1_000_000L);
      if (leader.isPresent() && c.isRunning(leader.get())) c.crash(leader.get());
      if (c.runningNodeIds().size() < 3) {
        List<String> down = c.nodeIds().stream().filter(id -> !c.isRunning(id)).toList();
        c.restart(down.get(random.nextInt(down.size())));
      }
    }
    for (String id : c.nodeIds()) if (!c.isRunning(id)) c.restart(id);
    c.commit(bytes("final"), Duration.ofSeconds(20));
    awaitConverged(c, COMMIT);
    assertSameApplied(c);
  }

  @Test
  void figure8AtRandomOnAnUnreliableNetwork(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(5));
    Random random = c.random();
    c.network().setUnreliable(0.1, Duration.ofMillis(20));
    c.network().setReordering(true);
    c.awaitLeader(Duration.ofSeconds(10));
    for (int iteration = 0; iteration < 60; iteration++) {
      if (iteration % 15 == 14) {
        // Every so often, cut a random node off for a while.
        String id = c.nodeIds().get(random.nextInt(5));
        c.network().disconnect(id);
        LockSupport.parkNanos(random.nextInt(300) * 1_000_000L);
        c.network().connect(id);
      }
      c.propose(bytes("u-" + iteration));
      LockSupport.parkNanos(random.nextInt(30) * 1_000_000L);
    }
    c.network().reset();
    c.commit(bytes("final"), Duration.ofSeconds(20));
    awaitConverged(c, Duration.ofSeconds(20));
    assertSameApplied(c);
  }
}
