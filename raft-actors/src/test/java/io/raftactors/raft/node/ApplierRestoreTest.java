package io.raftactors.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier restores one snapshot at a time and serves nothing until the newest is in. */
class ApplierRestoreTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @TempDir Path dir;

  private static SnapshotStore.Meta save(SnapshotStore store, long index, String state) throws IOException {
    SnapshotStore.Writer w = store.begin(index, 1);
    w.body().write(state.getBytes(StandardCharsets.UTF_8));
    return w.commit();
  }

  @Test
  void aRestoreThatArrivesDuringAnotherWaitsAndNothingIsServedBetween() throws Exception {
    SnapshotStore store = new SnapshotStore(dir);
    SnapshotStore.Meta older = save(store, 10, "ten");
    SnapshotStore.Meta newer = save(store, 20, "twenty");
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<String> restored = Collections.synchronizedList(new ArrayList<>());
    StateMachine machine = new StateMachine() {
      private volatile String value = "";

      @Override
      public byte[] apply(CommittedCommand command) {
        return new byte[0];
      }

      @Override
      public Object read(Object query) {
        return value;
      }

      @Override
      public void restore(InputStream in) throws IOException {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        String v = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (v.equals("ten")) {
          firstStarted.countDown();
          try {
            releaseFirst.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        value = v;
        restored.add(v);
        running.decrementAndGet();
      }
    };
    TestProbe<RaftNode.Command> node = KIT.createTestProbe();
    ActorRef<Applier.Command> applier =
        KIT.spawn(Applier.create(machine, node.ref(), RaftSettings.load(), store,
            io.raftactors.raft.Membership.ofVoters(java.util.List.of("n1"), java.util.Map.of()),
            new io.raftactors.raft.metrics.MetricRegistry()));

    applier.tell(new Applier.Restore(older));
    assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
    applier.tell(new Applier.Restore(newer));
    TestProbe<ReadResult> reads = KIT.createTestProbe();
    applier.tell(new Applier.ReadAt(5, "q", reads.ref(), 0));
    reads.expectNoMessage(Duration.ofMillis(300)); // mid-restore: nothing is served
    releaseFirst.countDown();

    ReadResult.Ok ok = assertInstanceOf(ReadResult.Ok.class, reads.receiveMessage(Duration.ofSeconds(10)));
    assertEquals("twenty", ok.value(), "served only once the newest snapshot is in");
    assertEquals(20, ok.appliedIndex());
    assertEquals(List.of("ten", "twenty"), restored);
    assertEquals(1, mostAtOnce.get(), "never two restores at once");
    Internal.AppliedUpTo applied = assertInstanceOf(Internal.AppliedUpTo.class, node.receiveMessage());
    assertEquals(20, applied.index());
  }
}
