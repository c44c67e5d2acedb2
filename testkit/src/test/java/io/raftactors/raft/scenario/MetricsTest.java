package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.CounterFamily;
import io.raftactors.raft.metrics.Gauge;
import io.raftactors.raft.metrics.Histogram;
import io.raftactors.raft.metrics.MetricRegistry;
import io.raftactors.raft.metrics.PrometheusText;
import io.raftactors.raft.metrics.RaftMetrics;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.StateMachines;
import io.raftactors.testkit.TestClusters;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The nodes' metrics move with what the cluster does: elections, leaders, proposals, commits, messages, snapshots. */
@ExtendWith(RaftClusterExtension.class)
class MetricsTest {
  @TempDir Path tempDir;

  @Test
  void electionsProposalsCommitsAndMessagesAreCounted(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    for (int i = 0; i < 20; i++) c.commit(bytes("m" + i), COMMIT);
    awaitConverged(c, COMMIT);

    assertTrue(sum(c, "raft_proposals_total") >= 20, c.describe());
    assertTrue(sum(c, "raft_elections_total") >= 1, c.describe());
    assertTrue(sum(c, "raft_pre_votes_total") >= 1, "pre-vote is on by default");
    for (String id : c.nodeIds()) {
      NodeStatus s = c.status(id);
      assertTrue(counter(c, id, "raft_leader_changes_total") >= 1, id + " learned of a leader");
      // From a fresh start every commit index move is counted.
      assertEquals(s.commitIndex(), counter(c, id, "raft_committed_entries_total"), id);
      assertEquals(s.commitIndex(), gauge(c, id, "raft_commit_index"), id);
      assertEquals(s.term(), gauge(c, id, "raft_term"), id);
      assertEquals(s.lastLogIndex(), gauge(c, id, "raft_last_log_index"), id);
      c.awaitCondition(id + " to apply all it committed", COMMIT,
          () -> gauge(c, id, "raft_applied_index") == c.status(id).commitIndex()
              && gauge(c, id, "raft_apply_lag_entries") == 0);
      assertEquals(id.equals(c.leader().orElse(null)) ? 1 : 0, gauge(c, id, "raft_is_leader"), id);
      if (!id.equals(leader)) {
        assertTrue(family(c, leader, "raft_messages_sent_total").labels(id).get() >= 20, "appends to " + id);
        assertTrue(family(c, leader, "raft_message_bytes_sent_total").labels(id).get() > 20 * 40, "bytes to " + id);
        assertTrue(family(c, id, "raft_messages_received_total").labels(leader).get() >= 20, id + " from the leader");
        assertTrue(family(c, id, "raft_messages_sent_total").labels(leader).get() >= 20, id + " answers");
        assertTrue(family(c, leader, "raft_messages_received_total").labels(id).get() >= 20, "answers of " + id);
      }
    }
    RaftMetrics all = RaftMetrics.get(c.system());
    String text = PrometheusText.render(c.nodeIds().stream().map(id -> all.node(id).labeled("node", id)).toList());
    assertEquals(1, text.split("# TYPE raft_term gauge\n", -1).length - 1, text);
    assertTrue(text.contains("raft_is_leader{node=\"" + leader + "\"} 1\n"), text);
  }

  @Test
  void aNewLeaderIsALeaderChange(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String first = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    awaitConverged(c, COMMIT);
    long elections = sum(c, "raft_elections_total");
    c.network().disconnect(first);
    String second = c.awaitLeader(ELECTION);
    String third = c.nodeIds().stream().filter(id -> !id.equals(first) && !id.equals(second)).findFirst().orElseThrow();
    c.awaitCondition(third + " to follow " + second, ELECTION, () -> second.equals(c.status(third).leaderId()));
    assertTrue(counter(c, third, "raft_leader_changes_total") >= 2, third + " saw two leaders");
    assertTrue(sum(c, "raft_elections_total") > elections, "another election");
    assertEquals(1, gauge(c, second, "raft_is_leader"));
  }

  @Test
  void snapshotsAreCountedAndTimed(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3)
        .snapshots(tempDir.resolve("snapshots"))
        .stateMachine(StateMachines.digest())
        .settings("""
            raft.snapshot.entries = 50
            raft.snapshot.log-ratio = 0
            raft.snapshot.keep-tail = 10
            """));
    String leader = c.awaitLeader(ELECTION);
    for (int i = 0; i < 120; i++) c.commit(bytes("s" + i), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      c.awaitCondition(id + " to take a snapshot", COMMIT, () -> counter(c, id, "raft_snapshots_total") >= 1
          && gauge(c, id, "raft_snapshot_index") > 0);
      long taken = counter(c, id, "raft_snapshots_total");
      assertEquals(taken, histogram(c, id, "raft_snapshot_duration_seconds").count(), id);
      assertEquals(taken, histogram(c, id, "raft_snapshot_bytes").count(), id);
    }
    String follower = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.crash(follower);
    c.restart(follower);
    c.awaitCondition(follower + " to restore its snapshot", COMMIT,
        () -> histogram(c, follower, "raft_snapshot_restore_duration_seconds").count() >= 1);
  }

  private static MetricRegistry registry(RaftTestCluster c, String id) {
    return RaftMetrics.get(c.system()).node(id);
  }

  private static long counter(RaftTestCluster c, String id, String name) {
    return ((Counter) registry(c, id).byName().get(name)).get();
  }

  private static long gauge(RaftTestCluster c, String id, String name) {
    return ((Gauge) registry(c, id).byName().get(name)).get();
  }

  private static CounterFamily family(RaftTestCluster c, String id, String name) {
    return (CounterFamily) registry(c, id).byName().get(name);
  }

  private static Histogram.Snapshot histogram(RaftTestCluster c, String id, String name) {
    return ((Histogram) registry(c, id).byName().get(name)).snapshot();
  }

  private static long sum(RaftTestCluster c, String name) {
    List<String> ids = c.nodeIds();
    return ids.stream().mapToLong(id -> counter(c, id, name)).sum();
  }
}
