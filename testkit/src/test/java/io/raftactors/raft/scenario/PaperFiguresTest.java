package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.assertSameApplied;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The situations drawn in the Raft paper's figures, set up exactly and played out. */
@ExtendWith(RaftClusterExtension.class)
class PaperFiguresTest {

  /** A log whose entry i has term terms[i-1]; the data names the node and the position. */
  static List<LogEntry> log(String owner, int... terms) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      // Entries that the figure shows on several logs are the same entries: same data.
      String data = "t" + terms[i] + "-i" + (i + 1) + (owner.isEmpty() ? "" : "-" + owner);
      entries.add(LogEntry.command(i + 1, terms[i], 0, bytes(data)));
    }
    return entries;
  }

  /**
   * Figure 7: when the leader of term 8 comes to power, the followers' logs may be missing
   * entries (a, b), have extra uncommitted entries (c, d), or both (e, f). Whoever wins, all logs
   * end up identical, and only a node whose log is at least as up to date as a majority's can win.
   */
  @Test
  void figure7FollowerLogsAllReconcileWithTheLeader(TestClusters clusters) {
    // Entries shared by the figure's logs must be equal: the prefix 1,1,1 and 4,4 / 5,5 / 6,6,6
    // appear on several logs; give shared entries the same data, divergent ones their own.
    RaftTestCluster c = clusters.start(b -> b.nodes(7)
        .initialJournal("n1", 8, null, log("", 1, 1, 1, 4, 4, 5, 5, 6, 6, 6))          // leader
        .initialJournal("n2", 8, null, log("", 1, 1, 1, 4, 4, 5, 5, 6, 6))             // (a)
        .initialJournal("n3", 8, null, log("", 1, 1, 1, 4))                            // (b)
        .initialJournal("n4", 8, null, withTail(log("", 1, 1, 1, 4, 4, 5, 5, 6, 6, 6), "c", 6))       // (c)
        .initialJournal("n5", 8, null, withTail(log("", 1, 1, 1, 4, 4, 5, 5, 6, 6, 6), "d", 7, 7))    // (d)
        .initialJournal("n6", 8, null, withTail(log("", 1, 1, 1, 4, 4), "e", 4, 4))                  // (e)
        .initialJournal("n7", 8, null, withTail(log("", 1, 1, 1), "f", 2, 2, 2, 3, 3, 3, 3, 3)));    // (f)
    String leader = c.awaitLeader(ELECTION);
    // Winning needs 4 of 7 votes from logs no more up to date than the candidate's: the leader
    // (votes of a, b, e, f), (a) (b, e, f), (c) and (d) can; (b), (e) and (f) cannot.
    assertTrue(Set.of("n1", "n2", "n4", "n5").contains(leader),
        leader + " won, but only the leader, (a), (c) or (d) can gather a majority of votes");
    c.commit(bytes("after-figure-7"), COMMIT);
    awaitConverged(c, COMMIT);
    assertSameApplied(c);
    List<LogEntry> reference = c.journal(leader).entries();
    for (String id : c.nodeIds()) {
      c.awaitCondition(id + "'s journal to equal the leader's", COMMIT,
          () -> c.journal(id).entries().equals(c.journal(leader).entries()));
    }
    assertTrue(reference.size() >= 11);
  }

  /** Appends entries of the given terms after {@code base}, with data private to {@code owner}. */
  static List<LogEntry> withTail(List<LogEntry> base, String owner, int... terms) {
    List<LogEntry> out = new ArrayList<>(base);
    for (int t : terms) {
      long index = out.size() + 1;
      out.add(LogEntry.command(index, t, 0, bytes("t" + t + "-i" + index + "-" + owner)));
    }
    return out;
  }

  /**
   * Figure 8: a leader must not commit an entry of an earlier term by counting replicas. Here n1
   * leads term 4 and gets its term-2 entry at index 2 onto a majority (n1, n2, n3), while its own
   * term-4 entry cannot reach anyone. It must not commit index 2: once n1 is gone, n5, whose log
   * ends with a term-3 entry at index 2, can win and replace it, as panel (d) shows.
   */
  @Test
  void figure8LeaderNeverCommitsAnEarlierTermEntryByCountingReplicas(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(5)
        .settings("raft.replication.max-entries-per-append = 1")
        .initialJournal("n1", 2, "n1", log("", 1, 2))
        .initialJournal("n2", 2, "n1", log("", 1))
        .initialJournal("n3", 3, "n5", log("", 1))
        .initialJournal("n4", 3, "n5", log("", 1))
        .initialJournal("n5", 3, "n5", withTail(log("", 1), "n5", 3)));
    // Only n1, n2, n3 talk; only n1 may campaign; n1's entries of its own new terms never arrive
    // (an append that would be rejected passes, so n1 still learns where the logs diverge).
    c.network().partition(Set.of("n1", "n2", "n3"), Set.of("n4"), Set.of("n5"));
    c.network().addFilter("only n1 campaigns",
        (from, to, m) -> m instanceof RequestVote && !from.equals("n1"));
    c.network().addFilter("n1's own-term entries are lost",
        (from, to, m) -> from.equals("n1") && m instanceof AppendEntries ae
            && ae.entries().stream().anyMatch(e -> e.term() > 2)
            && c.journal(to).lastIndex() >= ae.prevLogIndex());

    c.awaitCondition("n1 to lead with index 2 on n2 and n3", ELECTION, () ->
        c.status("n1").role() == Role.LEADER
            && c.journal("n2").lastIndex() == 2 && c.journal("n3").lastIndex() == 2);
    assertEquals(2, c.journal("n2").entry(2).term());
    holdsFor(Duration.ofMillis(800), () -> {
      assertEquals(0, c.status("n1").commitIndex(), () -> "n1 committed by counting replicas\n" + c.describe());
      assertTrue(c.applied("n1").isEmpty());
    });

    // Panel (d): n1 is gone; n5 campaigns and wins with n2, n3, n4, replacing index 2.
    c.crash("n1");
    c.network().reset();
    c.network().addFilter("only n5 campaigns",
        (from, to, m) -> m instanceof RequestVote && !from.equals("n5"));
    c.awaitCondition("n5 to lead", ELECTION, () -> c.status("n5").role() == Role.LEADER);
    c.network().removeFilter("only n5 campaigns");
    c.restart("n1");
    c.commit(bytes("after-figure-8"), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      c.awaitCondition(id + " to hold n5's entry at index 2", COMMIT,
          () -> c.journal(id).lastIndex() >= 2 && c.journal(id).entry(2).term() == 3);
    }
    assertSameApplied(c);
    assertEquals("t3-i2-n5", Scenarios.text(c.applied("n1").get(1).command()));
  }
}
