package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.raftactors.kv.lock.KvLocks;
import io.raftactors.kv.lock.LockEvent;
import io.raftactors.kv.lock.LockService;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Akka-native lock protocol: owners are actors, told by message. */
@ExtendWith(RaftClusterExtension.class)
class LockServiceTest {
  static final Duration WAIT = Duration.ofSeconds(15);

  /** A 3-node cluster with a lock service on one client's session, and probes for owners. */
  record Fixture(KvCluster c, KvClient client, KvLocks locks, ActorRef<LockService.Command> service)
      implements AutoCloseable {
    static Fixture start(TestClusters clusters) {
      KvCluster c = KvCluster.start(clusters, 3, b -> b);
      c.raft.awaitLeader(Duration.ofSeconds(5));
      KvClient client = c.client();
      KvLocks locks = KvLocks.create(client, KvLocksTest.FAST);
      return new Fixture(c, client, locks, c.raft.spawn(LockService.create(locks), "locks"));
    }

    TestProbe<LockEvent> owner() {
      return TestProbe.create(c.raft.system());
    }

    @Override
    public void close() {
      locks.close();
      client.close();
    }
  }

  @Test
  void actorsAcquireWaitReleaseAndLoseLocksWhenTheyStop(TestClusters clusters) {
    try (Fixture f = Fixture.start(clusters)) {
      ActorRef<LockService.Command> service = f.service();
      TestProbe<LockEvent> first = f.owner();
      TestProbe<LockEvent> second = f.owner();
      TestProbe<LockEvent> third = f.owner();

      service.tell(new LockService.Acquire("a", null, first.ref()));
      long t1 = first.expectMessageClass(LockEvent.Acquired.class, WAIT).token();
      service.tell(new LockService.Acquire("a", null, first.ref()));
      assertEquals(t1, first.expectMessageClass(LockEvent.Acquired.class, WAIT).token(), "reentrant: same grant");
      service.tell(new LockService.Acquire("a", Duration.ofMillis(300), second.ref()));
      assertEquals("a", second.expectMessageClass(LockEvent.NotAcquired.class, WAIT).name());
      service.tell(new LockService.Acquire("a", null, second.ref()));
      service.tell(new LockService.Release("a", first.ref()));
      first.expectMessageClass(LockEvent.Released.class, WAIT);
      second.expectNoMessage(Duration.ofMillis(300)); // first still holds it once
      service.tell(new LockService.Release("a", first.ref()));
      first.expectMessageClass(LockEvent.Released.class, WAIT);
      long t2 = second.expectMessageClass(LockEvent.Acquired.class, WAIT).token();
      assertTrue(t2 > t1);

      service.tell(new LockService.Acquire("a", null, third.ref()));
      third.expectNoMessage(Duration.ofMillis(300));
      second.stop(); // an owner that stops releases what it holds
      assertTrue(third.expectMessageClass(LockEvent.Acquired.class, WAIT).token() > t2);
    }
  }

  @Test
  void electionsTellCandidatesAndObservers(TestClusters clusters) {
    try (Fixture f = Fixture.start(clusters)) {
      ActorRef<LockService.Command> service = f.service();
      TestProbe<LockEvent> a = f.owner();
      TestProbe<LockEvent> b = f.owner();
      TestProbe<LockEvent> observer = f.owner();
      service.tell(new LockService.Observe("e", observer.ref()));
      assertTrue(observer.expectMessageClass(LockEvent.LeaderChanged.class, WAIT).leader().isEmpty());
      service.tell(new LockService.Campaign("e", Bytes.of("node-a"), a.ref()));
      a.expectMessageClass(LockEvent.Acquired.class, WAIT);
      assertEquals("node-a", observer.expectMessageClass(LockEvent.LeaderChanged.class, WAIT).leader()
          .orElseThrow().value().utf8());
      service.tell(new LockService.Campaign("e", Bytes.of("node-b"), b.ref()));
      b.expectNoMessage(Duration.ofMillis(300));
      service.tell(new LockService.Resign("e", a.ref()));
      a.expectMessageClass(LockEvent.Released.class, WAIT);
      b.expectMessageClass(LockEvent.Acquired.class, WAIT);
      LockEvent.LeaderChanged next = observer.expectMessageClass(LockEvent.LeaderChanged.class, WAIT);
      while (next.leader().isEmpty()) next = observer.expectMessageClass(LockEvent.LeaderChanged.class, WAIT);
      assertEquals("node-b", next.leader().orElseThrow().value().utf8());
    }
  }
}
