package io.raftactors.raft.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.raft.log.LogEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MemoryJournalTest {
  static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void writesAreDurableWhenAcknowledgedAndSurviveTheActor() {
    MemoryJournalStore store = new MemoryJournalStore();
    ActorRef<Journal.Command> journal = testKit.spawn(MemoryJournal.create(store));
    TestProbe<Journal.Ack> acks = testKit.createTestProbe();
    journal.tell(new Journal.SaveTermVote(1, 3, "n2", acks.ref()));
    journal.tell(new Journal.Append(2, List.of(LogEntry.noop(1, 3, 0), LogEntry.noop(2, 3, 0)), acks.ref()));
    journal.tell(new Journal.TruncateSuffix(3, 2, acks.ref()));
    assertEquals(new Journal.Ack(1), acks.receiveMessage());
    assertEquals(new Journal.Ack(2), acks.receiveMessage());
    assertEquals(new Journal.Ack(3), acks.receiveMessage());
    testKit.stop(journal);

    ActorRef<Journal.Command> again = testKit.spawn(MemoryJournal.create(store));
    TestProbe<Journal.Recovered> recovered = testKit.createTestProbe();
    again.tell(new Journal.Recover(recovered.ref()));
    Journal.Recovered r = recovered.receiveMessage();
    assertEquals(3, r.term());
    assertEquals("n2", r.votedFor());
    assertEquals(List.of(LogEntry.noop(1, 3, 0)), r.entries());
  }

  @Test
  void withASyncDelayWritesAreGroupedAndUnsyncedWritesAreLostOnACrash() {
    MemoryJournalStore store = new MemoryJournalStore();
    ActorRef<Journal.Command> journal =
        testKit.spawn(MemoryJournal.create(store, Duration.ofMillis(200)));
    TestProbe<Journal.Ack> acks = testKit.createTestProbe();
    for (int i = 1; i <= 5; i++) {
      journal.tell(new Journal.Append(i, List.of(LogEntry.noop(i, 1, 0)), acks.ref()));
    }
    assertEquals(new Journal.Ack(5), acks.receiveMessage(), "one acknowledgement for the group");
    assertEquals(5, store.lastIndex());

    journal.tell(new Journal.Append(6, List.of(LogEntry.noop(6, 1, 0)), acks.ref()));
    testKit.stop(journal); // crash before the sync
    acks.expectNoMessage(Duration.ofMillis(300));
    assertEquals(5, store.lastIndex());
  }
}
