package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.appliedText;
import static io.raftactors.raft.scenario.Scenarios.assertSameApplied;
import static io.raftactors.raft.scenario.Scenarios.await;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Log replication and commitment (Raft 5.3, 5.4), in the spirit of the 6.824 "2B" tests. */
@ExtendWith(RaftClusterExtension.class)
class AgreementTest {

  @Test
  void basicAgreementAppliesTheSameEntriesInOrderEverywhere(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    c.awaitLeader(ELECTION);
    for (int i = 1; i <= 5; i++) {
      ProposeResult r = await(c.propose(bytes("cmd-" + i)));
      ProposeResult.Applied applied = assertInstanceOf(ProposeResult.Applied.class, r);
      assertEquals("cmd-" + i, Scenarios.text(applied.result()), "the state machine's result");
    }
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      assertEquals(List.of("cmd-1", "cmd-2", "cmd-3", "cmd-4", "cmd-5"), appliedText(c, id));
    }
    assertSameApplied(c);
  }

  @Test
  void proposalsSentToAFollowerAreForwardedToTheLeader(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    String follower = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.awaitCondition(follower + " to know the leader", ELECTION,
        () -> leader.equals(c.status(follower).leaderId()));
    ProposeResult r = await(c.propose(follower, bytes("via-follower")));
    assertInstanceOf(ProposeResult.Applied.class, r);
  }

  @Test
  void agreementDespiteADisconnectedFollower(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("a"), COMMIT);
    String follower = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.network().disconnect(follower);
    c.commit(bytes("b"), COMMIT);
    c.commit(bytes("c"), COMMIT);
    c.network().connect(follower);
    c.commit(bytes("d"), COMMIT);
    awaitConverged(c, COMMIT);
    assertEquals(List.of("a", "b", "c", "d"), appliedText(c, follower));
    assertSameApplied(c);
  }

  @Test
  void noCommitWithoutAMajority(TestClusters clusters) {
    RaftTestCluster c = clusters.start(5);
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("before"), COMMIT);
    long commitBefore = c.status(leader).commitIndex();
    List<String> followers = new ArrayList<>(c.nodeIds());
    followers.remove(leader);
    for (int i = 0; i < 3; i++) c.network().disconnect(followers.get(i));

    CompletionStage<ProposeResult> pending = c.propose(leader, bytes("minority"));
    holdsFor(Duration.ofMillis(800), () ->
        assertEquals(commitBefore, c.status(leader).commitIndex(), "commit index moved without a majority"));
    // The isolated leader steps down; the proposal's fate is unknown to it.
    ProposeResult r = await(pending);
    assertInstanceOf(ProposeResult.Unknown.class, r);

    for (int i = 0; i < 3; i++) c.network().connect(followers.get(i));
    c.awaitLeader(ELECTION);
    c.commit(bytes("after"), COMMIT);
    awaitConverged(c, COMMIT);
    assertSameApplied(c);
  }

  @Test
  void concurrentProposalsAreEachAppliedOnce(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    c.awaitLeader(ELECTION);
    List<CompletableFuture<ProposeResult>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(c.propose(bytes("p" + i)).toCompletableFuture());
    }
    Set<Long> indexes = new HashSet<>();
    for (CompletableFuture<ProposeResult> a : answers) {
      ProposeResult.Applied applied = assertInstanceOf(ProposeResult.Applied.class, a.join());
      assertTrue(indexes.add(applied.index()), "two proposals answered with index " + applied.index());
    }
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      List<String> applied = appliedText(c, id);
      assertEquals(200, applied.size());
      assertEquals(200, new HashSet<>(applied).size(), "a command was applied twice on " + id);
    }
    assertSameApplied(c);
  }

  @Test
  void rejoiningOldLeadersUncommittedEntriesAreOverwritten(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String first = c.awaitLeader(ELECTION);
    c.commit(bytes("committed-1"), COMMIT);

    // The leader is cut off and takes proposals it can never commit.
    c.network().disconnect(first);
    List<CompletionStage<ProposeResult>> lost = new ArrayList<>();
    for (int i = 0; i < 3; i++) lost.add(c.propose(first, bytes("lost-" + i)));

    String second = c.awaitLeader(ELECTION);
    c.commit(bytes("committed-2"), COMMIT);

    // The second leader is cut off too; the first comes back and must not win with its log.
    c.network().disconnect(second);
    c.network().connect(first);
    String third = c.awaitLeader(ELECTION);
    c.commit(bytes("committed-3"), COMMIT);

    c.network().connect(second);
    c.commit(bytes("committed-4"), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      assertEquals(List.of("committed-1", "committed-2", "committed-3", "committed-4"), appliedText(c, id),
          () -> "third leader " + third + "\n" + c.describe());
    }
    for (CompletionStage<ProposeResult> l : lost) {
      assertTrue(!(await(l) instanceof ProposeResult.Applied), "an entry of a deposed leader was applied");
    }
  }

  @Test
  void leaderBacksUpQuicklyOverManyConflictingEntries(TestClusters clusters) {
    RaftTestCluster c = clusters.start(5);
    String leader1 = c.awaitLeader(ELECTION);
    c.commit(bytes("start"), COMMIT);
    List<String> others = new ArrayList<>(c.nodeIds());
    others.remove(leader1);

    // Leader 1 and one follower form a minority and accumulate 60 entries that never commit.
    String minorityFollower = others.get(0);
    List<String> majority = others.subList(1, 4);
    c.network().partition(Set.of(leader1, minorityFollower), Set.copyOf(majority));
    for (int i = 0; i < 60; i++) c.propose(leader1, bytes("uncommitted-" + i));

    // The majority elects a leader and commits 60 different entries.
    String leader2 = c.awaitLeader(ELECTION);
    assertTrue(majority.contains(leader2));
    List<CompletableFuture<ProposeResult>> commits = new ArrayList<>();
    for (int i = 0; i < 60; i++) commits.add(c.propose(leader2, bytes("majority-" + i)).toCompletableFuture());
    commits.forEach(f -> assertInstanceOf(ProposeResult.Applied.class, f.join()));

    // Heal: the two diverged nodes have 60+ conflicting entries each; count the catch-up traffic.
    AtomicLong appends = new AtomicLong();
    c.network().addFilter("count", (from, to, m) -> {
      if (from.equals(leader2) && (to.equals(leader1) || to.equals(minorityFollower))
          && m instanceof AppendEntries ae && !ae.entries().isEmpty()) {
        appends.incrementAndGet();
      }
      return false;
    });
    c.network().heal();
    c.commit(bytes("end"), COMMIT);
    awaitConverged(c, COMMIT);
    assertSameApplied(c);
    assertEquals(62, appliedText(c, leader1).size(), "start + 60 majority + end");
    // One entry per round trip would need 60+ AppendEntries each; the hints need a handful.
    assertTrue(appends.get() <= 20, "catch-up took " + appends.get() + " AppendEntries with entries");
  }

  @Test
  void messageCountStaysProportionalToWork(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    c.awaitLeader(ELECTION);
    c.commit(bytes("warm-up"), COMMIT);
    awaitConverged(c, COMMIT);

    // Idle: heartbeats only. 3 nodes, 50 ms heartbeats: about 2 x 20 AppendEntries + 40 answers per second.
    long before = totalMessages(c);
    long start = System.nanoTime();
    holdsFor(Duration.ofSeconds(1), () -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    long idle = totalMessages(c) - before;
    double perHeartbeat = 2 * 2; // leader -> 2 followers, 2 answers
    double expected = perHeartbeat * seconds / c.settings().heartbeatInterval().toMillis() * 1000;
    assertTrue(idle <= expected * 1.5 + 10, "idle cluster sent " + idle + " messages in " + seconds + " s, expected ~" + expected);

    // Work: 100 sequential commands cost a bounded number of messages each.
    before = totalMessages(c);
    for (int i = 0; i < 100; i++) c.commit(bytes("w" + i), COMMIT);
    long work = totalMessages(c) - before;
    assertTrue(work <= 100 * 10, "100 commands cost " + work + " messages");
  }

  private static long totalMessages(RaftTestCluster c) {
    return c.nodeIds().stream().mapToLong(c::messageCount).sum();
  }
}
