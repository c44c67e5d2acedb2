package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.Role;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pre-vote and check-quorum (dissertation 9.6 and 6.2): partitions do not disrupt a healthy leader. */
@ExtendWith(RaftClusterExtension.class)
class PreVoteTest {

  @Test
  void aRejoiningPartitionedNodeNeitherRaisesTheTermNorDeposesTheLeader(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    long term = c.status(leader).term();
    String loner = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

    c.network().disconnect(loner);
    // Many election timeouts pass: the loner keeps asking for pre-votes, never raising its term.
    holdsFor(Duration.ofMillis(1500), () -> assertEquals(term, c.status(loner).term(), c.describe()));
    c.network().connect(loner);

    c.awaitCondition(loner + " to follow " + leader, ELECTION,
        () -> leader.equals(c.status(loner).leaderId()));
    holdsFor(Duration.ofMillis(600), () -> {
      assertEquals(leader, c.leader().orElse(null), () -> "the leader was deposed\n" + c.describe());
      for (String id : c.nodeIds()) assertEquals(term, c.status(id).term(), () -> "term changed\n" + c.describe());
    });
    c.commit(bytes("y"), COMMIT);
  }

  /** The same scenario without pre-vote and check-quorum: the rejoining node does depose the leader. */
  @Test
  void withoutPreVoteTheRejoiningNodeDisruptsTheLeader(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).settings("raft.pre-vote = off\nraft.check-quorum = off"));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    long term = c.status(leader).term();
    String loner = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();

    c.network().disconnect(loner);
    c.awaitCondition(loner + " to campaign in higher terms", ELECTION,
        () -> c.status(loner).term() > term + 1);
    c.network().connect(loner);
    // Its higher term reaches the leader, which steps down: an election nobody needed.
    c.awaitCondition("the cluster to move past term " + term, ELECTION,
        () -> c.status(leader).term() > term);
    c.awaitLeader(ELECTION);
    c.commit(bytes("y"), COMMIT);
  }

  @Test
  void aLeaderCutOffFromTheMajorityStepsDown(TestClusters clusters) {
    RaftTestCluster c = clusters.start(5);
    String leader = c.awaitLeader(ELECTION);
    c.network().disconnect(leader);
    long start = System.nanoTime();
    c.awaitCondition(leader + " to step down", ELECTION, () -> c.status(leader).role() != Role.LEADER);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    // Check-quorum runs once per minimum election timeout: it steps down within about two.
    assertTrue(tookMs < 3 * c.settings().electionTimeoutMin().toMillis() + 300, "took " + tookMs + " ms");
    String next = c.awaitLeader(ELECTION);
    assertTrue(!next.equals(leader));
  }
}
