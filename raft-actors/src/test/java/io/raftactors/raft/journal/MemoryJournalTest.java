package io.raftactors.raft.journal;

import io.raftactors.raft.ActorTestKitExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.raft.log.LogEntry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemoryJournalTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();



  @Test
  void writesAreDurableWhenAcknowledgedAndSurviveTheActor() {
    MemoryJournalStore store = new MemoryJournalStore();
    ActorRef<Journal.Command> journal = KIT.testKit().spawn(MemoryJournal.create(store));
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    journal.tell(new Journal.SaveTermVote(1, 3, "n2", acks.ref()));
    journal.tell(new Journal.Append(2, List.of(LogEntry.noop(1, 3, 0), LogEntry.noop(2, 3, 0)), acks.ref()));
    journal.tell(new Journal.TruncateSuffix(3, 2, acks.ref()));
    assertEquals(new Journal.Ack(1), acks.receiveMessage());
    assertEquals(new Journal.Ack(2), acks.receiveMessage());
    assertEquals(new Journal.Ack(3), acks.receiveMessage());
    KIT.testKit().stop(journal);

    ActorRef<Journal.Command> again = KIT.testKit().spawn(MemoryJournal.create(store));
    TestProbe<Journal.Recovered> recovered = KIT.testKit().createTestProbe();
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
        KIT.testKit().spawn(MemoryJournal.create(store, Duration.ofMillis(200)));
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    for (int i = 1; i <= 5; i++) {
      journal.tell(new Journal.Append(i, List.of(LogEntry.noop(i, 1, 0)), acks.ref()));
    }
    assertEquals(new Journal.Ack(5), acks.receiveMessage(), "one acknowledgement for the group");
    assertEquals(5, store.lastIndex());

    journal.tell(new Journal.Append(6, List.of(LogEntry.noop(6, 1, 0)), acks.ref()));
    KIT.testKit().stop(journal); // crash before the sync
    acks.expectNoMessage(Duration.ofMillis(300));
    assertEquals(5, store.lastIndex());
  }
}
