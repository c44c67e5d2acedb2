package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.assertSameApplied;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.Role;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A paused node (SIGSTOP, a long GC pause) runs nothing until it resumes, then catches up. */
@ExtendWith(RaftClusterExtension.class)
class PauseTest {

  @Test
  void aPausedLeaderIsReplacedAndFollowsTheNewOneWhenItResumes(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(3);
    String old = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);

    c.pause(old);
    assertTrue(c.isPaused(old));
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a task that was running ends
    long sent = c.messageCount(old);
    CompletableFuture<ProposeResult> queued = c.propose(old, bytes("queued")).toCompletableFuture();

    String next = c.awaitLeader(ELECTION);
    assertNotEquals(old, next);
    c.commit(bytes("y"), COMMIT);
    // Many of its heartbeat intervals and election timeouts passed: it sent nothing, answered nothing.
    assertEquals(sent, c.messageCount(old), "a paused node sent messages");
    assertFalse(queued.isDone(), "a paused node answered a proposal");
    long newTerm = c.status(next).term();

    c.resume(old);
    c.awaitCondition(old + " to follow " + next, ELECTION, () -> {
      var s = c.status(old);
      return s.role() == Role.FOLLOWER && next.equals(s.leaderId()) && s.term() == newTerm;
    });
    // Whatever the old leader did with the proposal it found queued, the caller gets an answer.
    queued.get(COMMIT.toSeconds(), TimeUnit.SECONDS);
    c.commit(bytes("z"), COMMIT);
    assertSameApplied(c);
    c.checkInvariants();
  }

  @Test
  void aPausedFollowerCatchesUpOnResume(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    String follower = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.pause(follower);
    for (int i = 0; i < 20; i++) c.commit(bytes("e" + i), COMMIT);
    c.resume(follower);
    assertFalse(c.isPaused(follower));
    long last = c.status(leader).commitIndex();
    c.awaitApplied(last, COMMIT);
    // It woke to a queue of heartbeats that reset its late election timer: no election.
    assertEquals(leader, c.awaitLeader(ELECTION));
    assertSameApplied(c);
    c.checkInvariants();
  }

  @Test
  void aPausedNodeCanBeCrashedAndRestarted(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("a"), COMMIT);
    c.pause(leader);
    c.crash(leader);
    assertFalse(c.isPaused(leader));
    c.awaitLeader(ELECTION);
    c.commit(bytes("b"), COMMIT);
    c.restart(leader);
    c.awaitApplied(c.status(c.awaitLeader(ELECTION)).commitIndex(), COMMIT);
    c.checkInvariants();
  }
}
