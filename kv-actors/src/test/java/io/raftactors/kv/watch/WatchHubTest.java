package io.raftactors.kv.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.WatchEvent;
import io.raftactors.kv.WatchMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class WatchHubTest {
  static final ActorTestKit KIT = ActorTestKit.create();

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  static WatchHub.Publish put(long revision, String key) {
    Bytes k = Bytes.of(key);
    return new WatchHub.Publish(List.of(new WatchEvent(WatchEvent.Type.PUT, revision,
        new KeyValue(k, Bytes.of("v" + revision), revision, revision, 1, 0, 0), null)));
  }

  static List<Long> revisions(WatchMessage m) {
    return assertInstanceOf(WatchMessage.Events.class, m).decoded().stream().map(WatchEvent::revision).toList();
  }

  @Test
  void replaysFromARevisionThenFollowsLiveChangesOfItsPrefixOnly() {
    ActorRef<WatchHub.Command> hub = KIT.spawn(WatchHub.create(1000, 1000));
    for (long r = 1; r <= 5; r++) hub.tell(put(r, r % 2 == 0 ? "a/" + r : "b/" + r));
    TestProbe<WatchMessage> sub = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("a/".getBytes(), true, 2, sub.ref())));
    assertInstanceOf(WatchMessage.Subscribed.class, sub.receiveMessage());
    assertEquals(List.of(2L, 4L), revisions(sub.receiveMessage()));
    hub.tell(put(6, "a/6"));
    hub.tell(put(7, "b/7"));
    assertEquals(List.of(6L), revisions(sub.receiveMessage()));
    sub.expectNoMessage(Duration.ofMillis(100));
    hub.tell(put(3, "a/replayed")); // a restarted replica re-applying: skipped
    sub.expectNoMessage(Duration.ofMillis(100));
  }

  /** The changes of several writes published at once (a batch of applied entries). */
  static WatchHub.Publish batch(WatchHub.Publish... writes) {
    List<WatchEvent> events = new ArrayList<>();
    for (WatchHub.Publish w : writes) events.addAll(w.events());
    return new WatchHub.Publish(events);
  }

  @Test
  void aBatchOfWritesIsKeptRevisionByRevisionAndAReplayedPrefixIsSkipped() {
    ActorRef<WatchHub.Command> hub = KIT.spawn(WatchHub.create(1000, 1000));
    hub.tell(batch(put(1, "a/1"), put(2, "a/2"), put(2, "a/2b"), put(3, "b/3")));
    TestProbe<WatchMessage> from2 = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("a/".getBytes(), true, 2, from2.ref())));
    assertInstanceOf(WatchMessage.Subscribed.class, from2.receiveMessage());
    assertEquals(List.of(2L, 2L), revisions(from2.receiveMessage()));
    // A restarted replica re-applies revisions 2..3 in a batch with the new revision 4.
    hub.tell(batch(put(2, "a/replayed"), put(3, "a/replayed"), put(4, "a/4")));
    assertEquals(List.of(4L), revisions(from2.receiveMessage()));
    from2.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aWatcherThatDoesNotAcknowledgeIsCancelledWithWhereToResume() {
    ActorRef<WatchHub.Command> hub = KIT.spawn(WatchHub.create(10, 3));
    TestProbe<WatchMessage> slow = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("k".getBytes(), true, 0, slow.ref())));
    long id = assertInstanceOf(WatchMessage.Subscribed.class, slow.receiveMessage()).watchId();
    for (long r = 1; r <= 3; r++) hub.tell(put(r, "k"));
    List<Long> got = new ArrayList<>();
    while (got.size() < 3) got.addAll(revisions(slow.receiveMessage()));
    // Window full: nothing more until acknowledged; the history moves on past it.
    for (long r = 4; r <= 20; r++) hub.tell(put(r, "k"));
    WatchMessage.Cancelled cancelled = assertInstanceOf(WatchMessage.Cancelled.class, slow.receiveMessage());
    assertEquals(4, cancelled.resumeFromRevision());
    assertEquals(id, cancelled.watchId());

    // Resuming from a revision the hub no longer keeps is refused with the oldest kept one.
    TestProbe<WatchMessage> late = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("k".getBytes(), true, 4, late.ref())));
    WatchMessage.Cancelled refused = assertInstanceOf(WatchMessage.Cancelled.class, late.receiveMessage());
    assertEquals(11, refused.resumeFromRevision());

    // A watcher that acknowledges gets everything, in order.
    TestProbe<WatchMessage> fast = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("k".getBytes(), true, 11, fast.ref())));
    long fastId = assertInstanceOf(WatchMessage.Subscribed.class, fast.receiveMessage()).watchId();
    List<Long> all = new ArrayList<>();
    while (all.size() < 10) {
      List<Long> batch = revisions(fast.receiveMessage());
      assertTrue(batch.size() <= 3, "window respected: " + batch);
      all.addAll(batch);
      hub.tell(WatchHub.of(new KvCommand.WatchAck(fastId, batch.size())));
    }
    assertEquals(List.of(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), all);
  }

  @Test
  void aReplicaThatCaughtUpBySnapshotCancelsWatchersThatNeedTheSkippedChanges() {
    ActorRef<WatchHub.Command> hub = KIT.spawn(WatchHub.create(1000, 1000));
    for (long r = 1; r <= 3; r++) hub.tell(put(r, "k"));
    TestProbe<WatchMessage> behind = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("k".getBytes(), true, 0, behind.ref())));
    long id = assertInstanceOf(WatchMessage.Subscribed.class, behind.receiveMessage()).watchId();
    TestProbe<WatchMessage> ahead = KIT.createTestProbe();
    hub.tell(WatchHub.of(new KvCommand.Watch("k".getBytes(), true, 11, ahead.ref())));
    assertInstanceOf(WatchMessage.Subscribed.class, ahead.receiveMessage());

    hub.tell(new WatchHub.Restored(10)); // revisions 4..10 arrived inside a snapshot
    WatchMessage.Cancelled cancelled = assertInstanceOf(WatchMessage.Cancelled.class, behind.receiveMessage());
    assertEquals(id, cancelled.watchId());
    assertEquals(4, cancelled.resumeFromRevision(), "it still needs revision 4, never skipped silently");
    hub.tell(put(11, "k"));
    assertEquals(List.of(11L), revisions(ahead.receiveMessage()));
    behind.expectNoMessage(Duration.ofMillis(100));

    hub.tell(new WatchHub.Restored(5)); // a restarted replica restoring an older snapshot: nothing lost
    hub.tell(put(12, "k"));
    assertEquals(List.of(12L), revisions(ahead.receiveMessage()));
  }
}
