package io.raftactors.raft.node;

import io.raftactors.raft.ActorTestKitExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.testkit.typed.javadsl.TestProbe;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JournalWriterTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();



  private static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(LogEntry.noop(i, term, 0));
    return out;
  }

  @Test
  void heldMessagesGoOutOnlyOnceEverythingBeforeThemIsDurable() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    JournalWriter w = new JournalWriter(journal.ref(), acks.ref());
    List<String> sent = new ArrayList<>();

    w.whenDurable(() -> sent.add("nothing pending"));
    assertEquals(List.of("nothing pending"), sent);

    w.saveTermVote(2, "n2");
    w.whenDurable(() -> sent.add("vote"));
    w.append(entries(1, 3, 2));
    w.whenDurable(() -> sent.add("ack 3"));
    assertEquals(1, sent.size());

    w.onAck(1);
    assertEquals(List.of("nothing pending", "vote"), sent);
    w.onAck(2);
    assertEquals(List.of("nothing pending", "vote", "ack 3"), sent);
    w.onAck(2); // a duplicate acknowledgement changes nothing
    assertEquals(3, sent.size());
  }

  @Test
  void durableMatchIndexAccountsForTruncationsInFlight() {
    TestProbe<Journal.Command> journal = KIT.testKit().createTestProbe();
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    JournalWriter w = new JournalWriter(journal.ref(), acks.ref());
    w.recovered(0);
    w.append(entries(1, 10, 1)); // seq 1
    w.onAck(1);
    assertEquals(10, w.durableMatchIndex());

    w.truncateFrom(7); // seq 2
    w.append(entries(7, 9, 2)); // seq 3
    assertEquals(6, w.durableMatchIndex(), "7..10 on disk are not what the log holds now");
    w.onAck(2);
    assertEquals(6, w.durableMatchIndex());
    w.onAck(3);
    assertEquals(9, w.durableMatchIndex());
  }

  @Test
  void anAckForAWriteNeverIssuedIsABug() {
    JournalWriter w = new JournalWriter(
        KIT.testKit().<Journal.Command>createTestProbe().ref(), KIT.testKit().<Journal.Ack>createTestProbe().ref());
    assertThrows(IllegalStateException.class, () -> w.onAck(1));
  }
}
