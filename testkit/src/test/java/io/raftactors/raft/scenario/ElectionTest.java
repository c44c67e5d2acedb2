package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.assertTermsAgree;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.protocol.RequestVote;
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
      assertEquals(leader, c.leader().orElse(null), c::describe);
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

  /** The election restriction (Raft 5.4.1): voters refuse a candidate whose log is behind theirs. */
  @Test
  void aCandidateWithAStaleLogCannotWinAnElection(TestClusters clusters) {
    List<LogEntry> committed = List.of(LogEntry.command(1, 1, 0, Scenarios.bytes("a")),
        LogEntry.command(2, 2, 0, Scenarios.bytes("b")));
    RaftTestCluster c = clusters.start(b -> b.nodes(3)
        .initialJournal("n1", 2, null, committed.subList(0, 1))
        .initialJournal("n2", 2, null, committed)
        .initialJournal("n3", 2, null, committed));
    c.network().addFilter("only n1 campaigns",
        (from, to, m) -> m instanceof RequestVote && !from.equals("n1"));
    holdsFor(Duration.ofMillis(1500), () -> {
      assertTrue(c.status("n1").role() != Role.LEADER, () -> "stale n1 won\n" + c.describe());
      assertTrue(c.status("n1").term() <= 2, "pre-vote let the stale n1 raise its term");
    });
    c.network().removeFilter("only n1 campaigns");
    String leader = c.awaitLeader(ELECTION);
    assertTrue(!leader.equals("n1"));
    c.commit(Scenarios.bytes("c"), Scenarios.COMMIT);
    c.awaitCondition("n1 to catch up", Scenarios.COMMIT,
        () -> Scenarios.appliedText(c, "n1").equals(List.of("a", "b", "c")));
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
      assertTrue(!cut.contains(leader), () -> "leader " + leader + " is disconnected\n" + c.describe());
      cut.forEach(c.network()::connect);
    }
    c.awaitLeader(ELECTION);
    c.awaitCondition("terms to agree", ELECTION, () ->
        c.runningNodeIds().stream().map(id -> c.status(id).term()).distinct().count() == 1);
  }
}
