package io.raftactors.raft.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.DispatcherSelector;
import io.raftactors.raft.ActorTestKitExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SnapshotWriterTest {
  @RegisterExtension static final ActorTestKitExtension KIT = new ActorTestKitExtension();
  private static final DispatcherSelector IO = DispatcherSelector.fromConfig("raft.journal.blocking-io-dispatcher");
  @TempDir Path dir;

  @Test
  void partsAreWrittenInOrderAndTheLastCommits() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    ActorRef<SnapshotWriter.Command> writer = KIT.testKit().spawn(SnapshotWriter.create(store, 42, 3, false, 0), "w1", IO);
    TestProbe<SnapshotWriter.Reply> replies = KIT.testKit().createTestProbe();
    Random random = new Random(1);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 20; i++) {
      byte[] part = new byte[random.nextInt(100_000)];
      random.nextBytes(part);
      all.write(part);
      writer.tell(new SnapshotWriter.Part(part, i == 19, replies.ref()));
      SnapshotWriter.Reply r = replies.receiveMessage();
      if (i < 19) assertEquals(all.size(), ((SnapshotWriter.Written) r).bodyBytes());
      else assertEquals(42, assertInstanceOf(SnapshotWriter.Saved.class, r).meta().index());
    }
    replies.expectTerminated(writer, Duration.ofSeconds(5));
    SnapshotStore.Meta meta = store.newestValid().orElseThrow();
    try (InputStream in = store.openBody(meta)) {
      assertArrayEquals(all.toByteArray(), in.readAllBytes());
    }
  }

  @Test
  void anAbortedSnapshotLeavesNoFile() throws IOException {
    SnapshotStore store = new SnapshotStore(dir);
    ActorRef<SnapshotWriter.Command> writer = KIT.testKit().spawn(SnapshotWriter.create(store, 7, 1, false, 0), "w2", IO);
    TestProbe<SnapshotWriter.Reply> replies = KIT.testKit().createTestProbe();
    writer.tell(new SnapshotWriter.Part(new byte[1000], false, replies.ref()));
    replies.expectMessageClass(SnapshotWriter.Written.class);
    writer.tell(SnapshotWriter.Abort.INSTANCE);
    replies.expectTerminated(writer, Duration.ofSeconds(5));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void aWriterThatCannotStartSaysSo() throws IOException {
    SnapshotStore store = new SnapshotStore(dir.resolve("gone"));
    Files.delete(dir.resolve("gone"));
    ActorRef<SnapshotWriter.Command> writer = KIT.testKit().spawn(SnapshotWriter.create(store, 7, 1, false, 0), "w3", IO);
    TestProbe<SnapshotWriter.Reply> replies = KIT.testKit().createTestProbe();
    writer.tell(new SnapshotWriter.Part(new byte[10], true, replies.ref()));
    SnapshotWriter.Failed f = replies.expectMessageClass(SnapshotWriter.Failed.class);
    assertTrue(f.reason().contains("cannot start"), f.reason());
  }
}
