package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.assertTermsAgree;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.Role;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leader election (Raft 5.2), in the spirit of the MIT 6.824 "2A" tests. */
@ExtendWith(RaftClusterExtension.class)
class ElectionTest {

  @Test
  void initialElectionElectsOneLeaderAndKeepsItWhileHealthy(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    c.awaitCondition("all nodes to follow " + leader, ELECTION,
        () -> c.runningNodeIds().stream().allMatch(id -> leader.equals(c.status(id).leaderId())));
    long term = assertTermsAgree(c);
    assertTrue(term >= 1);
    // No failure, no new election: leader and term stay put over several election timeouts.
    holdsFor(Duration.ofSeconds(1), () -> {
      assertEquals(leader, c.leader().orElse(null), c.describe());
      assertEquals(term, assertTermsAgree(c));
    });
  }

  @Test
  void reElectionAfterLeaderIsDisconnected(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String first = c.awaitLeader(ELECTION);
    c.network().disconnect(first);
    String second = c.awaitLeader(ELECTION);
    assertNotEquals(first, second);

    // The old leader rejoins: still one leader, the old one follows.
    c.network().connect(first);
    String after = c.awaitLeader(ELECTION);
    c.awaitCondition(first + " to follow " + after, ELECTION,
        () -> c.status(first).role() == Role.FOLLOWER && after.equals(c.status(first).leaderId()));

    // Without a majority, no leader; with it back, a leader.
    String other = c.nodeIds().stream().filter(id -> !id.equals(after)).findFirst().orElseThrow();
    c.network().disconnect(after);
    c.network().disconnect(other);
    holdsFor(Duration.ofSeconds(1), () -> assertTrue(c.leader().isEmpty(), c.describe()));
    c.network().connect(other);
    c.awaitLeader(ELECTION);
  }

  @Test
  void noLeaderWithoutAMajority(TestClusters clusters) {
    RaftTestCluster c = clusters.start(5);
    String leader = c.awaitLeader(ELECTION);
    List<String> others = new ArrayList<>(c.nodeIds());
    others.remove(leader);
    // Leader and one follower are all that is left in touch: 2 of 5.
    c.network().disconnect(others.get(0));
    c.network().disconnect(others.get(1));
    c.network().disconnect(others.get(2));
    c.awaitCondition("the isolated leader to step down (check-quorum)", ELECTION,
        () -> c.status(leader).role() != Role.LEADER);
    holdsFor(Duration.ofSeconds(1), () -> assertTrue(c.leader().isEmpty(), c.describe()));
    c.network().connect(others.get(0));
    c.awaitLeader(ELECTION);
  }

  @Test
  void manyElectionsUnderRepeatedRandomDisconnects(TestClusters clusters) {
    RaftTestCluster c = clusters.start(7);
    c.awaitLeader(ELECTION);
    for (int round = 0; round < 8; round++) {
      List<String> ids = new ArrayList<>(c.nodeIds());
      Collections.shuffle(ids, c.random());
      List<String> cut = ids.subList(0, 3);
      cut.forEach(c.network()::disconnect);
      // Four of seven remain connected: a majority, so some leader among them.
      String leader = c.awaitLeader(ELECTION);
      assertTrue(!cut.contains(leader), "leader " + leader + " is disconnected\n" + c.describe());
      cut.forEach(c.network()::connect);
    }
    c.awaitLeader(ELECTION);
    c.awaitCondition("terms to agree", ELECTION, () ->
        c.runningNodeIds().stream().map(id -> c.status(id).term()).distinct().count() == 1);
  }
}
