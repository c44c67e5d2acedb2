package io.raftactors.raft.journal.file;

import io.raftactors.raft.ActorTestKitExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.log.LogEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();
  static final FileJournalSettings SETTINGS = new FileJournalSettings(1 << 20, true, true);

  @TempDir Path dir;



  private ActorRef<Journal.Command> journal(TestProbe<Journal.Recovered> recovered) {
    ActorRef<Journal.Command> j = KIT.testKit().spawn(FileJournal.create(dir, "n1", SETTINGS));
    j.tell(new Journal.Recover(recovered.ref()));
    return j;
  }

  @Test
  void acknowledgesDurableWritesAndRecoversThem() {
    TestProbe<Journal.Recovered> recovered = KIT.testKit().createTestProbe();
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    ActorRef<Journal.Command> j = journal(recovered);
    assertTrue(recovered.receiveMessage().entries().isEmpty());
    j.tell(new Journal.SaveTermVote(1, 2, "n3", acks.ref()));
    j.tell(new Journal.Append(2, List.of(LogEntry.noop(1, 2, 5), LogEntry.command(2, 2, 6, new byte[] {7})), acks.ref()));
    j.tell(new Journal.TruncateSuffix(3, 2, acks.ref()));
    long acked = 0;
    while (acked < 3) acked = acks.receiveMessage().seq();
    KIT.testKit().stop(j);

    TestProbe<Journal.Recovered> again = KIT.testKit().createTestProbe();
    ActorRef<Journal.Command> reopened = journal(again);
    // Receive before stopping: a stop is a system message and overtakes the queued Recover.
    Journal.Recovered r = again.receiveMessage(Duration.ofSeconds(10));
    KIT.testKit().stop(reopened);
    assertEquals(2, r.term());
    assertEquals("n3", r.votedFor());
    assertEquals(List.of(LogEntry.noop(1, 2, 5)), r.entries());
  }

  @Test
  void aNodeWhoseJournalIsCorruptRefusesToStart() throws Exception {
    TestProbe<Journal.Recovered> recovered = KIT.testKit().createTestProbe();
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    ActorRef<Journal.Command> j = journal(recovered);
    recovered.receiveMessage();
    List<LogEntry> entries = new java.util.ArrayList<>();
    for (int i = 1; i <= 50; i++) entries.add(LogEntry.command(i, 1, i, new byte[20]));
    j.tell(new Journal.Append(1, entries, acks.ref()));
    acks.receiveMessage();
    KIT.testKit().stop(j);
    Path segment = dir.resolve("segment-00000000000000000001.log");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(400);
      f.write(f.read() ^ 1);
    }

    ActorRef<io.raftactors.raft.RaftNode.Command> node = KIT.testKit().spawn(io.raftactors.raft.RaftNode.builder("n1")
        .members(List.of("n1", "n2", "n3"))
        .peers(id -> KIT.testKit().system().deadLetters().unsafeUpcast())
        .stateMachine(() -> c -> new byte[0])
        .journal(FileJournal.create(dir, "n1", SETTINGS))
        .build());
    TestProbe<Object> watcher = KIT.testKit().createTestProbe();
    watcher.expectTerminated(node, Duration.ofSeconds(10));
  }

  @Test
  void groupCommitCoversManyWritesWithOneFsync() {
    TestProbe<Journal.Recovered> recovered = KIT.testKit().createTestProbe();
    TestProbe<Journal.Ack> acks = KIT.testKit().createTestProbe();
    ActorRef<Journal.Command> j = journal(recovered);
    recovered.receiveMessage();
    TestProbe<JournalStats.Snapshot> stats = KIT.testKit().createTestProbe();
    j.tell(new FileJournal.GetStats(stats.ref()));
    // the node's counters live on across journals of the same node id in this actor system
    JournalStats.Snapshot before = stats.receiveMessage();
    int writes = 2000;
    for (int i = 1; i <= writes; i++) {
      j.tell(new Journal.Append(i, List.of(LogEntry.command(i, 1, i, new byte[100])), acks.ref()));
    }
    long last = 0;
    int ackMessages = 0;
    while (last < writes) {
      long seq = acks.receiveMessage(Duration.ofSeconds(10)).seq();
      assertTrue(seq > last, "acknowledgements only grow");
      last = seq;
      ackMessages++;
    }
    j.tell(new FileJournal.GetStats(stats.ref()));
    JournalStats.Snapshot after = stats.receiveMessage();
    long fsyncs = after.fsyncs() - before.fsyncs();
    assertEquals(writes, after.entries() - before.entries());
    assertEquals(ackMessages, fsyncs, "one acknowledgement per fsync");
    assertTrue(writes / (double) fsyncs > 2, "entries per fsync: " + writes / (double) fsyncs);
    // the histograms saw every fsync: its duration, and how many entries it covered
    assertEquals(fsyncs, after.fsyncNanos().count() - before.fsyncNanos().count());
    assertEquals(fsyncs, after.entriesPerFsync().count() - before.entriesPerFsync().count());
    assertEquals(writes, after.entriesPerFsync().sum() - before.entriesPerFsync().sum());
    io.raftactors.raft.metrics.MetricRegistry registry =
        io.raftactors.raft.metrics.RaftMetrics.get(KIT.testKit().system()).node("n1");
    assertTrue(registry.byName().containsKey("raft_journal_entries_per_fsync"), "registered: " + registry.byName().keySet());
    KIT.testKit().stop(j);
  }
}
