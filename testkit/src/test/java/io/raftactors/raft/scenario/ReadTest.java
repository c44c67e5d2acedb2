package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.StateMachines;
import io.raftactors.testkit.TestClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reads that do not go through the log: ReadIndex, leader lease, stale (dissertation 6.4). */
@ExtendWith(RaftClusterExtension.class)
class ReadTest {

  static ReadResult await(CompletionStage<ReadResult> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Object value(CompletionStage<ReadResult> stage) {
    return assertInstanceOf(ReadResult.Ok.class, await(stage)).value();
  }

  @Test
  void linearizableReadsOnLeaderAndFollowersSeeEveryCompletedWrite(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).stateMachine(StateMachines.register()));
    String leader = c.awaitLeader(ELECTION);
    for (int i = 1; i <= 20; i++) {
      c.commit(bytes("v" + i), COMMIT);
      for (String id : c.nodeIds()) {
        assertEquals("v" + i, value(c.read(id, "get", ReadConsistency.LINEARIZABLE)), id + " read");
        assertEquals("v" + i, value(c.read(id, "get", ReadConsistency.LEASE)), id + " lease read");
      }
    }
    assertTrue(c.nodeIds().contains(leader));
  }

  /**
   * A follower that has not applied what the leader committed must not answer a linearizable read
   * from its older state: it waits for the leader's read index (and fails if it cannot reach it).
   */
  @Test
  void aFollowerBehindTheLeaderNeverServesAStaleLinearizableRead(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).stateMachine(StateMachines.register())
        .settings("raft.read.timeout = 500ms"));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("v1"), COMMIT);
    String behind = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.awaitCondition(behind + " to apply v1", COMMIT,
        () -> "v1".equals(value(c.read(behind, "get", ReadConsistency.STALE))));
    c.network().addFilter("nothing new reaches " + behind,
        (from, to, m) -> to.equals(behind) && m instanceof io.raftactors.raft.protocol.AppendEntries);
    c.commit(bytes("v2"), COMMIT);
    for (int i = 0; i < 5; i++) {
      ReadResult r = await(c.read(behind, "get", ReadConsistency.LINEARIZABLE));
      if (r instanceof ReadResult.Ok ok) {
        assertEquals("v2", ok.value(), "a linearizable read returned the follower's stale state");
      }
    }
    assertEquals("v1", value(c.read(behind, "get", ReadConsistency.STALE)), "it really is behind");
  }

  @Test
  void manyConcurrentReadsShareHeartbeatRounds(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).stateMachine(StateMachines.register()));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    long before = c.nodeIds().stream().mapToLong(c::messageCount).sum();
    List<CompletableFuture<ReadResult>> reads = new ArrayList<>();
    for (int i = 0; i < 500; i++) reads.add(c.read(leader, "get", ReadConsistency.LINEARIZABLE).toCompletableFuture());
    for (CompletableFuture<ReadResult> r : reads) assertEquals("x", assertInstanceOf(ReadResult.Ok.class, r.join()).value());
    long messages = c.nodeIds().stream().mapToLong(c::messageCount).sum() - before;
    assertTrue(messages < 200, "500 reads cost " + messages + " messages: rounds are not shared");
  }

  /** A leader cut off from the majority must not answer a linearizable read with its old state. */
  @Test
  void aDeposedLeaderNeverServesAStaleLinearizableRead(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(5).stateMachine(StateMachines.register())
        .settings("raft.check-quorum = off\nraft.read.timeout = 1s"));
    String old = c.awaitLeader(ELECTION);
    c.commit(bytes("before"), COMMIT);
    List<String> others = new ArrayList<>(c.nodeIds());
    others.remove(old);
    c.network().partition(Set.of(old, others.get(0)), Set.copyOf(others.subList(1, 4)));
    String next = c.awaitLeader(ELECTION);
    assertTrue(!next.equals(old));
    c.commit(bytes("after"), COMMIT);

    // Without check-quorum the old leader still believes it leads; its reads must not succeed.
    for (ReadConsistency level : List.of(ReadConsistency.LINEARIZABLE, ReadConsistency.LEASE)) {
      ReadResult r = await(c.read(old, "get", level));
      assertInstanceOf(ReadResult.Failed.class, r, level + " read on a deposed leader: " + r);
    }
    // A stale read is allowed to lag: the minority follower still has the old value.
    assertEquals("before", value(c.read(others.get(0), "get", ReadConsistency.STALE)));

    c.network().heal();
    c.awaitCondition("the old leader to follow", ELECTION, () -> next.equals(c.status(old).leaderId()));
    assertEquals("after", value(c.read(old, "get", ReadConsistency.LINEARIZABLE)));
  }

  @Test
  void aStaleReadSaysHowLongSinceTheNodeHeardFromALeader(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).stateMachine(StateMachines.register()));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    String follower = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.awaitCondition(follower + " to apply x", COMMIT,
        () -> "x".equals(value(c.read(follower, "get", ReadConsistency.STALE))));
    ReadResult.Ok fresh = assertInstanceOf(ReadResult.Ok.class, await(c.read(follower, "get", ReadConsistency.STALE)));
    assertTrue(fresh.millisSinceLeaderContact() < 150, "connected: " + fresh.millisSinceLeaderContact());
    c.network().disconnect(follower);
    c.awaitCondition("the follower to notice", ELECTION, () -> assertInstanceOf(ReadResult.Ok.class,
        await(c.read(follower, "get", ReadConsistency.STALE))).millisSinceLeaderContact() >= 500);
    assertInstanceOf(ReadResult.Failed.class, await(c.read(follower, "get", ReadConsistency.LINEARIZABLE)));
  }

  /** With check-quorum, a leader holds a lease: its lease reads need no heartbeat round. */
  @Test
  void leaseReadsSkipTheHeartbeatRoundWhileTheLeaseHolds(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).stateMachine(StateMachines.register()));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    // Lease renewal happens on the heartbeat rounds the leader starts anyway; once held, a burst
    // of lease reads adds no messages of its own.
    c.awaitCondition("the lease to be confirmed", ELECTION, () -> {
      long t0 = System.nanoTime();
      Object v = value(c.read(leader, "get", ReadConsistency.LEASE));
      return "x".equals(v) && System.nanoTime() - t0 < 5_000_000;
    });
    List<CompletableFuture<ReadResult>> reads = new ArrayList<>();
    long sentBefore = c.messageCount(leader);
    for (int i = 0; i < 200; i++) reads.add(c.read(leader, "get", ReadConsistency.LEASE).toCompletableFuture());
    reads.forEach(r -> assertInstanceOf(ReadResult.Ok.class, r.join()));
    long sent = c.messageCount(leader) - sentBefore;
    assertTrue(sent < 20, "lease reads made the leader send " + sent + " messages");
  }
}
