package io.raftactors.raft.node;

import io.raftactors.raft.ActorTestKitExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.protocol.AppendEntries;
import io.raftactors.raft.protocol.AppendResponse;
import io.raftactors.raft.protocol.RequestVote;
import io.raftactors.raft.protocol.VoteResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node with a journal the test controls: nothing that depends on durable state leaves the
 * node before the journal acknowledges it ("persist before you promise"), and a journal failure
 * stops the node instead of letting it continue with state it could lose.
 */
class DurabilityTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();
  /** No elections of its own during a test; check-quorum off, so it answers votes at once. */
  static final RaftSettings SLOW_ELECTIONS = RaftSettings.fromRoot(ConfigFactory.parseString(
          "raft.election-timeout-min = 20s\nraft.election-timeout-max = 30s\nraft.check-quorum = off")
      .withFallback(ConfigFactory.load()));



  /** A journal that hands every command to a probe; the test answers for it. */
  static Behavior<Journal.Command> probeJournal(TestProbe<Journal.Command> probe) {
    return Behaviors.receiveMessage(m -> {
      probe.ref().tell(m);
      return Behaviors.same();
    });
  }

  record Node(ActorRef<RaftNode.Command> ref, TestProbe<Journal.Command> journal,
      TestProbe<RaftNode.Command> n2, TestProbe<RaftNode.Command> n3) {}

  static Node startFollower(Behavior<Journal.Command> journal, TestProbe<Journal.Command> probe) {
    return startFollower(journal, probe, SLOW_ELECTIONS);
  }

  static Node startFollower(
      Behavior<Journal.Command> journal, TestProbe<Journal.Command> probe, RaftSettings settings) {
    TestProbe<RaftNode.Command> n2 = KIT.testKit().createTestProbe();
    TestProbe<RaftNode.Command> n3 = KIT.testKit().createTestProbe();
    Map<String, ActorRef<RaftNode.Command>> peers = Map.of("n2", n2.ref(), "n3", n3.ref());
    ActorRef<RaftNode.Command> node = KIT.testKit().spawn(RaftNode.builder("n1")
        .members(List.of("n1", "n2", "n3"))
        .settings(settings)
        .peers(peers::get)
        .stateMachine(() -> c -> new byte[0])
        .journal(journal)
        .randomSeed(1)
        .build());
    Journal.Recover recover = probe.expectMessageClass(Journal.Recover.class);
    recover.replyTo().tell(Journal.Recovered.empty());
    return new Node(node, probe, n2, n3);
  }

  @Test
  void aVoteIsSentOnlyAfterTheTermAndVoteAreDurable() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    Node node = startFollower(probeJournal(journal), journal);
    node.ref().tell(new RequestVote(1, "n2", 0, 0, false));

    Journal.SaveTermVote term = journal.expectMessageClass(Journal.SaveTermVote.class);
    assertEquals(1, term.term());
    assertEquals(null, term.votedFor());
    Journal.SaveTermVote vote = journal.expectMessageClass(Journal.SaveTermVote.class);
    assertEquals("n2", vote.votedFor());

    node.n2().expectNoMessage(Duration.ofMillis(200));
    term.replyTo().tell(new Journal.Ack(term.seq()));
    node.n2().expectNoMessage(Duration.ofMillis(200));
    vote.replyTo().tell(new Journal.Ack(vote.seq()));
    VoteResponse response = assertInstanceOf(VoteResponse.class, node.n2().receiveMessage());
    assertTrue(response.granted());
    assertEquals(1, response.term());

    // A second candidate in the same term is refused: one vote per term.
    node.ref().tell(new RequestVote(1, "n3", 5, 1, false));
    VoteResponse refused = assertInstanceOf(VoteResponse.class, node.n3().receiveMessage());
    assertTrue(!refused.granted());
  }

  /**
   * With check-quorum, a node that just started ignores vote requests for one minimum election
   * timeout: before it crashed it may have acknowledged a leader that now serves lease reads.
   */
  @Test
  void aRestartedNodeIgnoresVoteRequestsForOneElectionTimeout() {
    RaftSettings settings = RaftSettings.fromRoot(ConfigFactory.parseString(
            "raft.election-timeout-min = 1500ms\nraft.election-timeout-max = 30s\nraft.heartbeat-interval = 100ms")
        .withFallback(ConfigFactory.load()));
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    Node node = startFollower(probeJournal(journal), journal, settings);
    node.ref().tell(new RequestVote(5, "n2", 0, 0, false));
    journal.expectNoMessage(Duration.ofMillis(800));
    node.n2().expectNoMessage(Duration.ofMillis(10));
    // After the quiet period, the same request is answered (term raised and vote written first).
    journal.awaitAssert(Duration.ofSeconds(3), () -> {
      node.ref().tell(new RequestVote(5, "n2", 0, 0, false));
      return journal.expectMessageClass(Journal.SaveTermVote.class, Duration.ofMillis(200));
    });
  }

  @Test
  void entriesAreAcknowledgedOnlyOnceDurable() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    Node node = startFollower(probeJournal(journal), journal);
    List<LogEntry> entries = List.of(LogEntry.noop(1, 1, 0), LogEntry.command(2, 1, 0, new byte[] {1}));
    node.ref().tell(new AppendEntries(1, "n2", 0, 0, entries, 0, 0));

    Journal.SaveTermVote term = journal.expectMessageClass(Journal.SaveTermVote.class);
    Journal.Append append = journal.expectMessageClass(Journal.Append.class);
    assertEquals(entries, append.entries());
    term.replyTo().tell(new Journal.Ack(term.seq()));
    node.n2().expectNoMessage(Duration.ofMillis(200));
    append.replyTo().tell(new Journal.Ack(append.seq()));
    AppendResponse response = assertInstanceOf(AppendResponse.class, node.n2().receiveMessage());
    assertTrue(response.success());
    assertEquals(2, response.matchIndex());
  }

  @Test
  void aHeartbeatIsAnsweredAtOnceOnlyWhenWhatItConfirmsIsAlreadyDurable() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    Node node = startFollower(probeJournal(journal), journal);
    List<LogEntry> entries = List.of(LogEntry.noop(1, 1, 0), LogEntry.command(2, 1, 0, new byte[] {1}));
    node.ref().tell(new AppendEntries(1, "n2", 0, 0, entries, 0, 0));
    Journal.SaveTermVote term = journal.expectMessageClass(Journal.SaveTermVote.class);
    Journal.Append append = journal.expectMessageClass(Journal.Append.class);

    node.ref().tell(new AppendEntries(1, "n2", 0, 0, List.of(), 0, 7));
    node.n2().expectNoMessage(Duration.ofMillis(200)); // its term is not durable yet
    term.replyTo().tell(new Journal.Ack(term.seq()));
    node.ref().tell(new AppendEntries(1, "n2", 0, 0, List.of(), 0, 8));
    AppendResponse quick = assertInstanceOf(AppendResponse.class, node.n2().receiveMessage());
    assertEquals(8, quick.readRound(), "confirms only index 0 and the durable term: answered at once");
    assertEquals(0, quick.matchIndex());

    node.ref().tell(new AppendEntries(1, "n2", 2, 1, List.of(), 0, 9));
    node.n2().expectNoMessage(Duration.ofMillis(200)); // confirms entry 2, not durable yet
    append.replyTo().tell(new Journal.Ack(append.seq()));
    List<Long> rounds = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      AppendResponse r = assertInstanceOf(AppendResponse.class, node.n2().receiveMessage());
      assertTrue(r.success());
      rounds.add(r.readRound());
    }
    assertEquals(List.of(0L, 7L, 9L), rounds);
  }

  @Test
  void aLeadersOwnEntryCountsTowardCommitOnlyOnceDurable() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    ActorRef<RaftNode.Command> node = KIT.testKit().spawn(RaftNode.builder("solo")
        .members(List.of("solo"))
        .settings(RaftSettings.fromRoot(ConfigFactory.parseString(
            "raft.election-timeout-min = 100ms\nraft.election-timeout-max = 150ms\nraft.heartbeat-interval = 20ms")
            .withFallback(ConfigFactory.load())))
        .peers(id -> { throw new AssertionError("a single member sends nothing"); })
        .stateMachine(() -> c -> new byte[] {42})
        .journal(probeJournal(journal))
        .build());
    journal.expectMessageClass(Journal.Recover.class).replyTo()
        .tell(Journal.Recovered.empty());
    // It campaigns alone: term, then vote; it leads only once its own vote is durable.
    Journal.SaveTermVote term = journal.expectMessageClass(Journal.SaveTermVote.class, Duration.ofSeconds(3));
    Journal.SaveTermVote vote = journal.expectMessageClass(Journal.SaveTermVote.class);
    assertEquals("solo", vote.votedFor());
    journal.expectNoMessage(Duration.ofMillis(100));
    vote.replyTo().tell(new Journal.Ack(vote.seq()));
    Journal.Append noop = journal.expectMessageClass(Journal.Append.class);

    TestProbe<io.raftactors.raft.ProposeResult> client = KIT.testKit().createTestProbe();
    node.tell(new io.raftactors.raft.Propose(new byte[] {1}, client.ref()));
    Journal.Append command = journal.expectMessageClass(Journal.Append.class);
    client.expectNoMessage(Duration.ofMillis(200));
    TestProbe<io.raftactors.raft.NodeStatus> status = KIT.testKit().createTestProbe();
    node.tell(new io.raftactors.raft.GetStatus(status.ref()));
    assertEquals(0, status.receiveMessage().commitIndex(), "nothing is durable yet");

    command.replyTo().tell(new Journal.Ack(command.seq())); // acknowledges everything up to it
    io.raftactors.raft.ProposeResult.Applied applied =
        assertInstanceOf(io.raftactors.raft.ProposeResult.Applied.class, client.receiveMessage());
    assertEquals(2, applied.index());
    assertEquals(42, applied.result()[0]);
    assertTrue(noop.seq() < command.seq() && term.seq() < vote.seq());
  }

  @Test
  void aFailingJournalStopsTheNode() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    Behavior<Journal.Command> failing = Behaviors.receiveMessage(m -> {
      journal.ref().tell(m);
      if (m instanceof Journal.Write) throw new IllegalStateException("disk on fire");
      return Behaviors.same();
    });
    Node node = startFollower(failing, journal);
    TestProbe<Object> watcher = KIT.testKit().createTestProbe();
    node.ref().tell(new RequestVote(1, "n2", 0, 0, false));
    watcher.expectTerminated(node.ref(), Duration.ofSeconds(5));
    node.n2().expectNoMessage(Duration.ofMillis(100));
  }
}
