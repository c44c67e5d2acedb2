package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.appliedText;
import static io.raftactors.raft.scenario.Scenarios.await;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static io.raftactors.raft.scenario.Scenarios.holdsFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.Role;
import io.raftactors.raft.TransferResult;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes (dissertation chapter 4, one server at a time), learners and leadership
 * transfer (3.10), under load: every write the cluster acknowledged must be applied by every
 * member at the end, and the invariant observer checks Raft's safety properties throughout.
 */
@ExtendWith(RaftClusterExtension.class)
class MembershipTest {
  /**
   * For the tests that hold two voters still for seconds and assert the term did not move: the
   * test timing's 200 ms check-quorum window is one slow moment of a loaded machine, which would
   * end the term with no help from the server under test.
   */
  private static final String TWO_VOTER_TIMING =
      "raft.election-timeout-min = 600ms\nraft.election-timeout-max = 1200ms";

  /** Proposes distinct commands one after another (4 at a time) until stopped; keeps the acknowledged ones. */
  static final class Load implements AutoCloseable {
    final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Load(RaftTestCluster c, String prefix) {
      for (int t = 0; t < 4; t++) {
        int client = t;
        Thread thread = new Thread(() -> {
          for (int i = 0; !stop.get(); i++) {
            String command = prefix + "-" + client + "-" + i;
            ProposeResult r = await(c.propose(bytes(command)));
            if (r instanceof ProposeResult.Applied) acknowledged.add(command);
            else java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
          }
        }, "load-" + prefix + "-" + t);
        threads.add(thread);
        thread.start();
      }
    }

    int count() {
      return acknowledged.size();
    }

    /** Waits until at least {@code more} further writes were acknowledged. */
    void awaitProgress(RaftTestCluster c, int more) {
      int target = count() + more;
      c.awaitCondition(more + " more acknowledged writes", COMMIT, () -> count() >= target);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) t.join(30_000);
    }
  }

  /** Every acknowledged write is applied, once, by each of {@code members}. */
  private static void assertAppliedEverywhere(RaftTestCluster c, List<String> acknowledged, List<String> members) {
    String marker = "marker-" + System.nanoTime();
    c.commit(bytes(marker), COMMIT);
    c.awaitCondition("every member to apply the marker", COMMIT,
        () -> members.stream().allMatch(id -> appliedText(c, id).contains(marker)));
    for (String id : members) {
      List<String> applied = appliedText(c, id);
      Set<String> unique = new HashSet<>(applied);
      assertEquals(applied.size(), unique.size(), id + " applied a command twice\n" + c.describe());
      for (String a : acknowledged) {
        assertTrue(unique.contains(a), id + " lacks acknowledged " + a + "\n" + c.describe());
      }
    }
    c.checkInvariants();
  }

  /** Node {@code id}'s register, read locally. */
  private static Object staleRead(RaftTestCluster c, String id) {
    ReadResult r = c.read(id, "get", ReadConsistency.STALE).toCompletableFuture().join();
    return r instanceof ReadResult.Ok ok ? ok.value() : null;
  }

  private static NodeStatus leaderView(RaftTestCluster c) {
    c.awaitLeader(ELECTION);
    return c.leaderView().orElseThrow();
  }

  @Test
  void growsFromThreeToFiveAndBackToThreeUnderLoad(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(2));
    c.awaitLeader(ELECTION);
    List<String> acknowledged;
    try (Load load = new Load(c, "grow")) {
      load.awaitProgress(c, 50);
      c.addVoter("n4");
      load.awaitProgress(c, 20);
      c.addVoter("n5");
      assertEquals(List.of("n1", "n2", "n3", "n4", "n5"), leaderView(c).members());
      load.awaitProgress(c, 50);
      // Back to three: remove two of the original members, the leader among them if it is one.
      String leader = c.awaitLeader(ELECTION);
      String first = List.of("n1", "n2", "n3").contains(leader) ? leader : "n1";
      c.removeMember(first);
      load.awaitProgress(c, 20);
      String second = List.of("n1", "n2", "n3").stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();
      c.removeMember(second);
      load.awaitProgress(c, 50);
      acknowledged = new ArrayList<>(load.acknowledged);
    }
    NodeStatus view = leaderView(c);
    assertEquals(3, view.members().size(), view.toString());
    assertTrue(view.members().containsAll(List.of("n4", "n5")), view.toString());
    assertAppliedEverywhere(c, acknowledged, view.members());
  }

  @Test
  void replacesEveryMemberOneAtATime(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(3));
    c.awaitLeader(ELECTION);
    List<String> acknowledged;
    try (Load load = new Load(c, "replace")) {
      for (int i = 1; i <= 3; i++) {
        load.awaitProgress(c, 20);
        c.addVoter("n" + (3 + i));
        c.removeMember("n" + i);
      }
      load.awaitProgress(c, 30);
      acknowledged = new ArrayList<>(load.acknowledged);
    }
    assertEquals(List.of("n4", "n5", "n6"), leaderView(c).members());
    assertAppliedEverywhere(c, acknowledged, List.of("n4", "n5", "n6"));
    // The old members are gone for good: without them the new cluster still commits and elects.
    for (String old : List.of("n1", "n2", "n3")) c.crash(old);
    c.commit(bytes("after-the-old-ones"), COMMIT);
    String leader = c.awaitLeader(ELECTION);
    c.crash(leader);
    c.commit(bytes("after-a-failover"), COMMIT);
    c.checkInvariants();
  }

  @Test
  void removingTheLeaderHandsOverAndItNeverCampaignsAgain(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).settings(TWO_VOTER_TIMING));
    String leader = c.awaitLeader(ELECTION);
    List<String> acknowledged;
    try (Load load = new Load(c, "remove-leader")) {
      load.awaitProgress(c, 30);
      c.removeMember(leader);
      // It hands over (holding proposals until its successor has caught up), then steps down.
      c.awaitCondition("a leader other than " + leader, ELECTION,
          () -> c.leader().filter(l -> !l.equals(leader)).isPresent());
      assertNotEquals(leader, c.awaitLeader(ELECTION));
      load.awaitProgress(c, 30);
      acknowledged = new ArrayList<>(load.acknowledged);
    }
    List<String> rest = c.nodeIds().stream().filter(id -> !id.equals(leader)).toList();
    assertEquals(rest, leaderView(c).members());
    assertAppliedEverywhere(c, acknowledged, rest);
    // The old leader keeps running, as a non-member: it never leads or campaigns again.
    long term = c.status(c.awaitLeader(ELECTION)).term();
    holdsFor(Duration.ofMillis(1500), () -> {
      NodeStatus old = c.status(leader);
      assertEquals(Role.FOLLOWER, old.role(), c.describe());
      assertFalse(old.isVoter(), c.describe());
    });
    assertEquals(term, c.status(c.awaitLeader(ELECTION)).term(), "the term moved\n" + c.describe());
    // It receives nothing now: reads that need the leader fail at once, saying why.
    ReadResult read = c.read(leader, "get", ReadConsistency.LINEARIZABLE).toCompletableFuture().join();
    ReadResult.Failed failed = assertInstanceOf(ReadResult.Failed.class, read, read.toString());
    assertTrue(failed.message().contains("not a member"), failed.message());
  }

  /**
   * A removed server that never learned of its removal times out and campaigns (pre-vote off, so
   * it raises its term): the members, hearing from their leader, ignore it (dissertation 4.2.3).
   */
  @Test
  void aRemovedServerThatKeepsRunningCannotDisruptTheCluster(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).settings("raft.pre-vote = off").settings(TWO_VOTER_TIMING));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("before"), COMMIT);
    String removed = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    // It never hears of its removal: whatever is sent to it is lost, while what it sends arrives.
    // (Disconnecting it only until the removal committed raced with the leader's last messages to it.)
    c.network().addFilter("to-" + removed, (from, to, message) -> to.equals(removed));
    c.removeMember(removed);
    long term = c.status(leader).term();
    // It keeps campaigning in ever higher terms; nobody listens, and the leader stays.
    c.awaitCondition(removed + " to campaign", ELECTION, () -> c.status(removed).term() > term);
    holdsFor(Duration.ofMillis(2000), () -> {
      assertEquals(leader, c.leader().orElse(null), () -> "the leader was deposed\n" + c.describe());
      assertEquals(term, c.status(leader).term(), () -> "the term moved\n" + c.describe());
    });
    c.commit(bytes("after"), COMMIT);
    c.checkInvariants();
  }

  @Test
  void transfersLeadershipUnderLoad(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(3);
    c.awaitLeader(ELECTION);
    List<String> acknowledged;
    try (Load load = new Load(c, "transfer")) {
      for (int round = 0; round < 4; round++) {
        load.awaitProgress(c, 30);
        String leader = c.awaitLeader(ELECTION);
        String target = c.nodeIds().stream().filter(id -> !id.equals(leader)).toList().get(round % 2);
        long started = System.nanoTime();
        TransferResult r = c.transferLeadership(leader, target).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertInstanceOf(TransferResult.Transferred.class, r, r + "\n" + c.describe());
        c.awaitCondition(target + " to lead", ELECTION, () -> target.equals(c.leader().orElse(null)));
        long millis = (System.nanoTime() - started) / 1_000_000;
        // Much quicker than an election timeout plus a pre-vote round would be.
        assertTrue(millis < 1000, "transfer took " + millis + " ms\n" + c.describe());
      }
      load.awaitProgress(c, 30);
      acknowledged = new ArrayList<>(load.acknowledged);
    }
    assertAppliedEverywhere(c, acknowledged, c.nodeIds());
    // Refusals: not a voter; and the answer names the reason.
    String leader = c.awaitLeader(ELECTION);
    TransferResult bad = c.transferLeadership(leader, "n9").toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(RejectReason.INVALID, assertInstanceOf(TransferResult.NotTransferred.class, bad).reason());
  }

  /** A transfer to a node that cannot take over ends after an election timeout; the leader goes on. */
  @Test
  void aFailedTransferGivesProposalsBackToTheLeader(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    String target = c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.network().disconnect(target);
    var transfer = c.transferLeadership(leader, target);
    // Held during the transfer, appended once it fails.
    var held = c.propose(leader, bytes("held"), Duration.ofSeconds(10));
    TransferResult r = transfer.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(RejectReason.BUSY, assertInstanceOf(TransferResult.NotTransferred.class, r).reason(), r.toString());
    assertInstanceOf(ProposeResult.Applied.class, await(held), c.describe());
    assertEquals(leader, c.awaitLeader(ELECTION));
    c.network().connect(target);
    c.checkInvariants();
  }

  /**
   * The leader appends a configuration, cannot replicate it, and crashes: the new leader never
   * saw it, so it is truncated on the old leader's return, which then goes back to the
   * configuration before it; the next change goes through.
   */
  @Test
  void aChangeInterruptedByALeaderCrashIsUndoneOrCompleted(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    c.network().disconnect(leader);
    var change = c.changeMembership(leader, ChangeMembership.Kind.ADD_LEARNER, "n4");
    c.awaitCondition(leader + " to hold the new configuration", COMMIT,
        () -> c.status(leader).learners().contains("n4"));
    c.crash(leader);
    ProposeResult answer = await(change);
    assertFalse(answer instanceof ProposeResult.Applied, answer.toString());
    c.network().connect(leader);
    String next = c.awaitLeader(ELECTION);
    assertNotEquals(leader, next);
    c.commit(bytes("y"), COMMIT);
    c.restart(leader);
    c.awaitCondition(leader + " to drop the uncommitted configuration", COMMIT, () -> {
      NodeStatus s = c.status(leader);
      return !s.learners().contains("n4") && s.commitIndex() >= c.status(next).commitIndex();
    });
    c.addVoter("n4");
    assertEquals(List.of("n1", "n2", "n3", "n4"), leaderView(c).members());
    c.commit(bytes("z"), COMMIT);
    c.awaitCondition("n4 to apply z", COMMIT, () -> appliedText(c, "n4").contains("z"));
    c.checkInvariants();
  }

  /** A crash right after a change was proposed: either it committed or it did not; never half. */
  @Test
  void aChangeProposedJustBeforeTheLeaderCrashesIsAllOrNothing(TestClusters clusters) throws Exception {
    for (int round = 0; round < 3; round++) {
      RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1));
      String leader = c.awaitLeader(ELECTION);
      c.commit(bytes("x"), COMMIT);
      c.changeMembership(leader, ChangeMembership.Kind.ADD_LEARNER, "n4");
      java.util.concurrent.locks.LockSupport.parkNanos(round * 2_000_000L);
      c.crash(leader);
      String next = c.awaitLeader(ELECTION);
      c.commit(bytes("y"), COMMIT);
      c.restart(leader);
      boolean added = c.status(next).learners().contains("n4");
      c.awaitCondition("every node to agree on the configuration", COMMIT, () -> c.nodeIds().stream()
          .filter(id -> !id.equals("n4"))
          .allMatch(id -> c.status(id).learners().contains("n4") == added
              && c.status(id).commitIndex() >= c.status(id).configIndex()));
      if (added) c.promote("n4");
      else c.addVoter("n4");
      c.commit(bytes("z"), COMMIT);
      c.checkInvariants();
      c.close();
    }
  }

  @Test
  void aNodeOutsideTheConfigurationWaitsToBeAddedAndNeverLeads(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1));
    c.awaitLeader(ELECTION);
    c.commit(bytes("x"), COMMIT);
    holdsFor(Duration.ofMillis(1500), () -> {
      NodeStatus spare = c.status("n4");
      assertEquals(Role.FOLLOWER, spare.role(), c.describe());
      assertEquals(0, spare.lastLogIndex(), "a non-member receives nothing\n" + c.describe());
    });
    // Alone, it still never forms a cluster of its own.
    c.network().disconnect("n4");
    holdsFor(Duration.ofMillis(1500), () -> assertEquals(Role.FOLLOWER, c.status("n4").role()));
    c.network().connect("n4");
    c.addLearner("n4");
    c.awaitCondition("n4 to apply x", COMMIT, () -> appliedText(c, "n4").contains("x"));
    assertTrue(c.status("n4").isLearner());
  }

  @Test
  void aLearnerServesStaleReadsButNeverCountsTowardAQuorum(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1)
        .stateMachine(io.raftactors.testkit.StateMachines.register()));
    String leader = c.awaitLeader(ELECTION);
    c.addLearner("n4");
    c.commit(bytes("seen-by-the-learner"), COMMIT);
    c.awaitCondition("n4 to serve it", COMMIT, () -> "seen-by-the-learner".equals(staleRead(c, "n4")));
    // Two voters down: leader + learner are a majority of four nodes, but not of three voters.
    for (String id : c.nodeIds()) {
      if (!id.equals(leader) && !id.equals("n4")) c.crash(id);
    }
    ProposeResult r = await(c.propose(leader, bytes("no-quorum"), Duration.ofSeconds(2)));
    assertFalse(r instanceof ProposeResult.Applied, "committed without a majority of voters: " + r);
    // A learner never campaigns either.
    c.crash(leader);
    holdsFor(Duration.ofMillis(1500), () -> assertEquals(Role.FOLLOWER, c.status("n4").role()));
    c.checkInvariants();
  }

  @Test
  void aLearnerIsPromotedOnlyOnceCaughtUp(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1)
        .settings("raft.membership.promote-max-lag = 10"));
    String leader = c.awaitLeader(ELECTION);
    c.addLearner("n4");
    c.awaitCondition("n4 to catch up", COMMIT, () -> c.status("n4").lastApplied() >= c.status(leader).commitIndex());
    // It keeps answering heartbeats but gets no entries: it falls behind.
    c.network().addFilter("no-entries-to-n4", (from, to, m) -> to.equals("n4")
        && m instanceof io.raftactors.raft.protocol.AppendEntries ae && !ae.entries().isEmpty());
    for (int i = 0; i < 40; i++) c.commit(bytes("w" + i), COMMIT);
    ProposeResult r = await(c.changeMembership(leader, ChangeMembership.Kind.PROMOTE, "n4"));
    ProposeResult.Rejected refused = assertInstanceOf(ProposeResult.Rejected.class, r, r.toString());
    assertEquals(RejectReason.BUSY, refused.reason());
    assertTrue(refused.message().contains("entries behind"), refused.message());
    assertFalse(c.status(leader).members().contains("n4"));
    c.network().removeFilter("no-entries-to-n4");
    c.promote("n4"); // retried until it has caught up
    assertEquals(4, leaderView(c).members().size());
    // Invalid requests name what is wrong.
    ProposeResult again = await(c.changeMembership(leader, ChangeMembership.Kind.ADD_LEARNER, "n4"));
    assertEquals(RejectReason.INVALID, assertInstanceOf(ProposeResult.Rejected.class, again).reason());
    ProposeResult unknown = await(c.changeMembership(leader, ChangeMembership.Kind.REMOVE, "n7"));
    assertEquals(RejectReason.INVALID, assertInstanceOf(ProposeResult.Rejected.class, unknown).reason());
  }

  /**
   * Configurations survive compaction: a member restarted from its snapshot (cut off, so that it
   * hears nothing new) and one that joins by snapshot know them, at the same index as the leader.
   */
  @Test
  void theConfigurationTravelsInSnapshots(TestClusters clusters, @TempDir Path dir) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(2).snapshots(dir)
        .stateMachine(io.raftactors.testkit.StateMachines.register())
        .settings("raft.snapshot.entries = 40\nraft.snapshot.keep-tail = 5"));
    c.awaitLeader(ELECTION);
    c.addVoter("n4");
    for (int i = 0; i < 150; i++) c.commit(bytes("w" + i), COMMIT);
    long configIndex = leaderView(c).configIndex();
    assertTrue(configIndex > 0, "no CONFIG entry");
    c.awaitCondition("n4 to compact past the configuration", COMMIT,
        () -> c.status("n4").firstLogIndex() > configIndex + 1);
    // Restarted from its snapshot alone: the log it keeps holds no CONFIG entry.
    c.crash("n4");
    c.network().disconnect("n4");
    c.restart("n4");
    // Cut off, it knows nothing committed past its snapshot; it restores that much.
    c.awaitCondition("n4 to restore its snapshot", COMMIT, () -> {
      NodeStatus s = c.status("n4");
      return s.snapshotIndex() > configIndex && s.lastApplied() >= s.snapshotIndex();
    });
    NodeStatus restarted = c.status("n4");
    assertEquals(List.of("n1", "n2", "n3", "n4"), restarted.members(), restarted.toString());
    assertEquals(configIndex, restarted.configIndex(), restarted.toString());
    c.network().connect("n4");
    // n5 joins after that; the leader sends it a snapshot, then the entry that adds it.
    c.addLearner("n5");
    c.awaitCondition("n5 to catch up", COMMIT, () -> "w149".equals(staleRead(c, "n5")));
    assertTrue(c.snapshotsRestored() > 0, "no snapshot was installed");
    NodeStatus n5 = c.status("n5");
    assertTrue(n5.members().contains("n4") && n5.isLearner(), n5.toString());
    c.removeMember("n1");
    c.crash("n2");
    c.restart("n2");
    c.awaitCondition("n2 to know n1 left", COMMIT, () -> !c.status("n2").members().contains("n1"));
    c.commit(bytes("end"), COMMIT);
    c.checkInvariants();
  }

  /** A learner that never answered (a wrong address, a dead machine) is never promoted. */
  @Test
  void aLearnerThatNeverAnsweredIsNotPromoted(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3).spareNodes(1));
    String leader = c.awaitLeader(ELECTION);
    c.network().disconnect("n4");
    c.addLearner("n4");
    ProposeResult r = await(c.changeMembership(leader, ChangeMembership.Kind.PROMOTE, "n4"));
    ProposeResult.Rejected refused = assertInstanceOf(ProposeResult.Rejected.class, r, r.toString());
    assertEquals(RejectReason.BUSY, refused.reason());
    assertTrue(refused.message().contains("has not answered"), refused.message());
    assertEquals(3, c.status(leader).members().size());
    c.commit(bytes("still-commits"), COMMIT);
  }

  /**
   * Once a leader has told another voter to campaign, its lease no longer holds (voters elect
   * the target without waiting out their timeout): here the old leader never hears of the new
   * term, the new leader commits a write, and a LEASE read at the old leader must not miss it.
   */
  @Test
  void aLeaderThatHandedOverServesNoStaleLeaseReads(TestClusters clusters) throws Exception {
    RaftTestCluster c = clusters.start(b -> b.nodes(3)
        .stateMachine(io.raftactors.testkit.StateMachines.register())
        .settings("raft.election-timeout-min = 1s\nraft.election-timeout-max = 2s\nraft.heartbeat-interval = 100ms"));
    String old = c.awaitLeader(ELECTION);
    c.commit(bytes("before"), COMMIT);
    long term = c.status(old).term();
    String target = c.nodeIds().stream().filter(id -> !id.equals(old)).findFirst().orElseThrow();
    // The lease holds (a LEASE read is served at once)...
    c.awaitCondition("the lease to be confirmed", ELECTION, () -> {
      long t = System.nanoTime();
      Object v = c.read(old, "get", ReadConsistency.LEASE).toCompletableFuture().join() instanceof ReadResult.Ok ok
          ? ok.value() : null;
      return "before".equals(v) && System.nanoTime() - t < 20_000_000;
    });
    c.network().addFilter("new-term-to-old-leader", (from, to, m) ->
        to.equals(old) && m instanceof io.raftactors.raft.protocol.RaftMessage r && r.term() > term);
    var transfer = c.transferLeadership(old, target);
    // All within the old leader's lease (0.9 s): the target wins and commits a write.
    c.awaitCondition(target + " to lead", ELECTION, () -> c.status(target).role() == Role.LEADER);
    ProposeResult w = await(c.propose(target, bytes("after"), Duration.ofSeconds(5)));
    assertInstanceOf(ProposeResult.Applied.class, w, w + "\n" + c.describe());
    ReadResult r = c.read(old, "get", ReadConsistency.LEASE).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(r instanceof ReadResult.Ok ok && "before".equals(ok.value()),
        "stale LEASE read at the old leader: " + r + "\n" + c.describe());
    // The old leader never saw the new term: its transfer timed out.
    TransferResult moved = transfer.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertInstanceOf(TransferResult.NotTransferred.class, moved, moved.toString());
    c.network().removeFilter("new-term-to-old-leader");
    c.checkInvariants();
  }
}
