package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.state.KvCodec;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The replicated KV store through KvClient on in-JVM clusters with faults. */
@ExtendWith(RaftClusterExtension.class)
class KvClusterTest {
  static final Duration ELECTION = Duration.ofSeconds(5);

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static long value(Optional<KeyValue> kv) {
    return kv.map(k -> Long.parseLong(k.value().utf8())).orElse(0L);
  }

  @Test
  void theClientOffersEveryOperation(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(ELECTION);
    try (KvClient kv = c.client()) {
      KvResult.PutResult put = await(kv.put("config/a", "1"));
      assertTrue(put.applied());
      await(kv.put("config/b", "2"));
      assertEquals("1", await(kv.get("config/a")).orElseThrow().value().utf8());
      assertEquals(2, await(kv.range(Bytes.of("config/"), 0, ReadConsistency.LINEARIZABLE)).kvs().size());
      assertEquals(5, await(kv.increment("counter", 5)));
      assertEquals(3, await(kv.increment("counter", -2)));
      await(kv.put("config/x", "text"));
      KvException.Refused refused = assertThrows(KvException.Refused.class, () -> await(kv.increment("config/x", 1)));
      assertEquals(KvResult.Failure.Code.NOT_INTEGER, refused.failure().code());
      assertTrue(await(kv.putIfAbsent("lock", "me", Duration.ofSeconds(30))));
      assertFalse(await(kv.putIfAbsent("lock", "you", null)));
      assertTrue(await(kv.compareAndSet("lock", "me", "still-me")));
      assertFalse(await(kv.compareAndSet("lock", "me", "again")));
      assertTrue(await(kv.compareAndSet("fresh", null, "created")));
      assertTrue(await(kv.delete("lock")));
      assertFalse(await(kv.delete("lock")));
      assertEquals(3, await(kv.deleteRange(Bytes.of("config/"))));
      long lease = await(kv.grantLease(Duration.ofSeconds(30)));
      await(kv.put(new KvWrite.Put(Bytes.of("owned"), Bytes.of("x"), lease, 0, false, KvWrite.Condition.ALWAYS, false)));
      assertEquals(1, await(kv.revokeLease(lease)));
      assertTrue(await(kv.get("owned")).isEmpty());
    }
  }

  /**
   * Each read starts after some writes completed and must see at least the last of them, on
   * every replica, across leader crashes and a partition of the leader. Writers go through every
   * replica (those cut off stall, the others go on); each writer also reads its own write back
   * from another replica at once, where a lagging follower would show.
   */
  @Test
  void linearizableReadsNeverMissACompletedWriteAcrossLeaderChanges(TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 5, b -> b);
    c.raft.awaitLeader(ELECTION);
    AtomicLong completed = new AtomicLong();
    AtomicLong checkedReads = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    List<KvClient> clients = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<String> ids = c.raft.nodeIds();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      KvClient via = c.clientOf(id);
      KvClient other = c.clientOf(ids.get((i + 1) % ids.size()));
      clients.add(via);
      clients.add(other);
      threads.add(new Thread(() -> {
        while (!stop.get()) {
          try {
            long v = await(via.increment("n", 1));
            completed.accumulateAndGet(v, Math::max);
            long seen = value(await(other.get(Bytes.of("n"), ReadConsistency.LINEARIZABLE)));
            checkedReads.incrementAndGet();
            if (seen < v) problems.add("wrote " + v + " via " + id + ", then read " + seen);
          } catch (KvException e) {
            // not applied, unknown, or no leader reachable from there right now
          }
        }
      }));
      threads.add(new Thread(() -> {
        while (!stop.get()) {
          long before = completed.get();
          try {
            long seen = value(await(via.get(Bytes.of("n"), ReadConsistency.LINEARIZABLE)));
            checkedReads.incrementAndGet();
            if (seen < before) problems.add(id + " read " + seen + " after " + before + " completed");
          } catch (KvException e) {
            // reads have no effect: fine
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (int round = 0; round < 3; round++) {
      LockSupport.parkNanos(700_000_000L);
      String leader = c.raft.awaitLeader(ELECTION);
      if (round == 1) {
        List<String> others = new ArrayList<>(ids);
        others.remove(leader);
        c.raft.network().partition(Set.of(leader, others.get(0)), Set.copyOf(others.subList(1, 4)));
        LockSupport.parkNanos(1_500_000_000L);
        c.raft.network().heal();
      } else {
        c.raft.crash(leader);
        c.raft.awaitLeader(ELECTION);
        c.raft.restart(leader);
      }
    }
    LockSupport.parkNanos(500_000_000L);
    stop.set(true);
    for (Thread t : threads) t.join(30_000);
    clients.forEach(KvClient::close);
    System.out.println("linearizable: " + completed.get() + " writes, " + checkedReads.get() + " reads checked, "
        + problems.size() + " problems");
    assertTrue(problems.isEmpty(), problems.size() + " stale reads, e.g. " + problems.subList(0, Math.min(5, problems.size())));
    assertTrue(completed.get() > 50, "only " + completed.get() + " writes completed");
    assertTrue(checkedReads.get() > 200, "only " + checkedReads.get() + " reads checked");
  }

  @Test
  void staleReadsMayLagButNeverGoBackwardsOnOneReplica(TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    String leader = c.raft.awaitLeader(ELECTION);
    String follower = c.raft.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    AtomicBoolean stop = new AtomicBoolean();
    try (KvClient writer = c.client(); KvClient reader = c.clientOf(follower)) {
      Thread w = new Thread(() -> {
        while (!stop.get()) {
          try {
            await(writer.increment("n", 1));
          } catch (KvException e) {
            // keep going
          }
        }
      });
      w.start();
      long last = 0;
      long lastRevision = 0;
      boolean lagged = false;
      for (int i = 0; i < 300; i++) {
        if (i == 100) c.raft.network().disconnect(follower);
        if (i == 200) c.raft.network().connect(follower);
        KvResult.GetResult r = (KvResult.GetResult) await(reader.query(new KvQuery.Get(Bytes.of("n")), ReadConsistency.STALE));
        long seen = r.kv() == null ? 0 : Long.parseLong(r.kv().value().utf8());
        assertTrue(seen >= last, "went back from " + last + " to " + seen);
        assertTrue(r.revision() >= lastRevision);
        if (i > 100 && i < 200 && seen == last) lagged = true;
        last = seen;
        lastRevision = r.revision();
        LockSupport.parkNanos(5_000_000);
      }
      stop.set(true);
      w.join(30_000);
      assertTrue(lagged, "a disconnected replica's stale reads should have stalled");
    }
  }

  /** A key with a TTL is deleted once, by a replicated command: same revision on every replica. */
  @Test
  void ttlKeysExpireOnceOnEveryReplicaAtTheSameRevision(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(ELECTION);
    Map<String, List<WatchEvent>> seen = new ConcurrentHashMap<>();
    List<KvClient> clients = new ArrayList<>();
    for (String id : c.raft.nodeIds()) {
      KvClient kv = c.clientOf(id);
      clients.add(kv);
      seen.put(id, Collections.synchronizedList(new ArrayList<>()));
      kv.watch(Bytes.of("temp"), false, 0, seen.get(id)::add, cancelled -> {});
    }
    try (KvClient kv = c.client()) {
      await(kv.put(new KvWrite.Put(Bytes.of("temp"), Bytes.of("x"), 0, 300, false, KvWrite.Condition.ALWAYS, false)));
      c.raft.awaitCondition("the key to expire", Duration.ofSeconds(5),
          () -> await(kv.get("temp")).isEmpty());
      c.raft.awaitCondition("every replica's watch to see the put and the delete", Duration.ofSeconds(5),
          () -> seen.values().stream().allMatch(l -> l.size() >= 2));
      LockSupport.parkNanos(300_000_000L); // a second expiry, if any, would show up by now
      long deleteRevision = -1;
      for (Map.Entry<String, List<WatchEvent>> e : seen.entrySet()) {
        List<WatchEvent> events = e.getValue();
        assertEquals(2, events.size(), e.getKey() + " saw " + events);
        assertEquals(WatchEvent.Type.DELETE, events.get(1).type());
        if (deleteRevision == -1) deleteRevision = events.get(1).revision();
        assertEquals(deleteRevision, events.get(1).revision(), "replicas disagree on the expiry's revision");
      }
      for (String id : c.raft.nodeIds()) {
        assertTrue(await(c.clientOf(id).get(Bytes.of("temp"), ReadConsistency.STALE)).isEmpty());
      }
    } finally {
      clients.forEach(KvClient::close);
    }
  }

  @Test
  void aLeaseKeptAliveSurvivesALeaderChangeAndExpiresWhenNoLongerKept(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(ELECTION);
    try (KvClient kv = c.client()) {
      // The TTL outlasts an election on a loaded machine: this thread sends no keep-alive while it
      // crashes the leader and waits for the next one (with 800 ms, a slow election failed a full build once).
      long lease = await(kv.grantLease(Duration.ofMillis(2000)));
      await(kv.put(new KvWrite.Put(Bytes.of("held"), Bytes.of("x"), lease, 0, false, KvWrite.Condition.ALWAYS, false)));
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      boolean crashed = false;
      while (System.nanoTime() < end) {
        await(kv.keepAlive(lease));
        if (!crashed && System.nanoTime() > end - Duration.ofSeconds(2).toNanos()) {
          String leader = c.raft.awaitLeader(ELECTION);
          c.raft.crash(leader);
          c.raft.awaitLeader(ELECTION);
          await(kv.keepAlive(lease)); // as a live holder would, as soon as there is a leader again
          c.raft.restart(leader);
          crashed = true;
        }
        assertTrue(await(kv.get("held")).isPresent(), "a kept-alive lease lost its key");
        LockSupport.parkNanos(150_000_000L);
      }
      // No more keep-alives: the lease ends about 2 s later, despite any leader change.
      c.raft.awaitCondition("the lease to expire", Duration.ofSeconds(5), () -> await(kv.get("held")).isEmpty());
    }
  }

  /** Leader changes neither reset nor prolong a lease: one nobody keeps alive expires on time. */
  @Test
  void repeatedLeaderChangesDoNotKeepADeadHoldersLeaseAlive(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(ELECTION);
    try (KvClient kv = c.client()) {
      long granted = System.nanoTime();
      long lease = await(kv.grantLease(Duration.ofMillis(1500)));
      await(kv.put(new KvWrite.Put(Bytes.of("held"), Bytes.of("x"), lease, 0, false, KvWrite.Condition.ALWAYS, false)));
      // The holder is gone; leaders crash every 400 ms. In etcd each new leader reset the TTL.
      while (await(kv.get("held")).isPresent()) {
        assertTrue(System.nanoTime() - granted < Duration.ofSeconds(6).toNanos(), "the lease outlived its TTL");
        String leader = c.raft.awaitLeader(ELECTION);
        c.raft.crash(leader);
        LockSupport.parkNanos(400_000_000L);
        c.raft.restart(leader);
      }
      long ms = (System.nanoTime() - granted) / 1_000_000;
      assertTrue(ms >= 1400, "expired early, after " + ms + " ms");
    }
  }

  @Test
  void aNewLeaderWhoseClockIsAheadDoesNotEndLeasesEarly(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    String leader = c.raft.awaitLeader(ELECTION);
    List<io.raftactors.raft.RaftEvent.LeaderClock> measured = Collections.synchronizedList(new ArrayList<>());
    akka.actor.typed.ActorRef<io.raftactors.raft.RaftEvent> listener = c.raft.spawn(
        akka.actor.typed.javadsl.Behaviors.receive(io.raftactors.raft.RaftEvent.class)
            .onMessage(io.raftactors.raft.RaftEvent.LeaderClock.class, e -> {
              measured.add(e);
              return akka.actor.typed.javadsl.Behaviors.same();
            }).build(), "leader-clocks");
    c.raft.system().eventStream().tell(new akka.actor.typed.eventstream.EventStream.Subscribe<>(
        io.raftactors.raft.RaftEvent.class, listener));
    for (String id : c.raft.nodeIds()) {
      if (!id.equals(leader)) c.raft.clock(id).setWallOffset(3000); // the other members' clocks are 3 s ahead
    }
    try (KvClient kv = c.client()) {
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
      for (int i = 0; System.nanoTime() < until; i++) { // the followers measure the leader's clock as it is now
        await(kv.put("warm-" + i % 10, "x"));
        LockSupport.parkNanos(20_000_000L);
      }
      long lease = await(kv.grantLease(Duration.ofMillis(8000)));
      await(kv.put(new KvWrite.Put(Bytes.of("held"), Bytes.of("x"), lease, 0, false, KvWrite.Condition.ALWAYS, false)));
      long granted = System.nanoTime();
      c.raft.crash(leader);
      String next = c.raft.awaitLeader(ELECTION);
      c.raft.awaitCondition("the new leader to measure its clock", ELECTION, () -> measured.stream().anyMatch(
          e -> e.nodeId().equals(next)));
      assertTrue(measured.stream().anyMatch(e -> e.nodeId().equals(next) && e.aheadMillis() >= 2900
          && e.aheadMillis() <= 3600), next + " measured " + measured);
      // The stamped time jumped 3 s with the new leader; without the shift the lease was gone at ~5 s,
      // or as soon as the new leader was there if that was later. Look at 6.5 s: a second after the
      // latest the new leader may have come (5.5 s), and before the lease's real end (8 s).
      long sinceGrant = (System.nanoTime() - granted) / 1_000_000;
      assertTrue(sinceGrant < 5500, "crash, election and clock measurement took " + sinceGrant + " ms: too slow to tell");
      LockSupport.parkNanos(granted + TimeUnit.MILLISECONDS.toNanos(6500) - System.nanoTime());
      assertTrue(await(kv.get("held")).isPresent(), "the lease ended early, " + measured);
      c.raft.awaitCondition("the lease to end after its TTL", Duration.ofSeconds(8),
          () -> await(kv.get("held")).isEmpty());
      long ms = (System.nanoTime() - granted) / 1_000_000;
      assertTrue(ms >= 7900, "ended after " + ms + " ms");
    }
  }

  @Test
  void watchesSeeEveryChangeOnceInOrderAcrossALeaderChange(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    String leader = c.raft.awaitLeader(ELECTION);
    String follower = c.raft.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (KvClient watcher = c.clientOf(follower); KvClient kv = c.client()) {
      watcher.watch(Bytes.of("w/"), true, 1, events::add, cancelled -> events.add(null));
      for (int i = 1; i <= 200; i++) {
        await(kv.increment("w/counter", 1));
        if (i == 100) {
          String current = c.raft.awaitLeader(ELECTION);
          if (!current.equals(follower)) {
            c.raft.crash(current);
            c.raft.awaitLeader(ELECTION);
            c.raft.restart(current);
          }
        }
      }
      c.raft.awaitCondition("200 events", Duration.ofSeconds(10), () -> events.size() >= 200);
      LockSupport.parkNanos(200_000_000L);
      assertEquals(200, events.size(), "exactly once");
      long lastRevision = 0;
      for (int i = 0; i < 200; i++) {
        WatchEvent e = events.get(i);
        assertEquals(Long.toString(i + 1), e.kv().value().utf8(), "in order, no gaps");
        assertTrue(e.revision() > lastRevision);
        lastRevision = e.revision();
      }
    }
  }

  /** The same session write delivered twice (a retry after a lost answer) is applied once. */
  @Test
  void aRetriedWriteIsNotAppliedTwice(TestClusters clusters) {
    KvCluster c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(ELECTION);
    KvResult.SessionResult session = (KvResult.SessionResult) c.ask("n1",
        r -> KvCommand.write(new KvWrite.OpenSession(60_000), r)).result();
    KvCodec.SessionStamp stamp = new KvCodec.SessionStamp(session.session(), 1, 1);
    KvResponse first = c.ask("n1", r -> KvCommand.write(new KvWrite.Increment(Bytes.of("n"), 10), stamp, r));
    KvResponse retry = c.ask("n2", r -> KvCommand.write(new KvWrite.Increment(Bytes.of("n"), 10), stamp, r));
    assertEquals(10, ((KvResult.IncrementResult) first.result()).value());
    assertEquals(first.result(), retry.result());
    try (KvClient kv = c.client()) {
      assertEquals(10, value(await(kv.get("n"))));
    }
  }

  /** Through leader crashes, every increment the client reports done was applied exactly once. */
  @Test
  void theClientsRetriesApplyEachWriteOnceThroughLeaderCrashes(TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 3, b -> b.settings("raft.proposals.leader-wait-timeout = 5s"));
    c.raft.awaitLeader(ELECTION);
    AtomicLong done = new AtomicLong();
    AtomicLong unknown = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try (KvClient kv = c.client()) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread w = new Thread(() -> {
          while (!stop.get()) {
            try {
              await(kv.increment("n", 1));
              done.incrementAndGet();
            } catch (KvException.OutcomeUnknown e) {
              unknown.incrementAndGet();
            } catch (KvException e) {
              // not applied
            }
          }
        });
        w.start();
        writers.add(w);
      }
      for (int i = 0; i < 3; i++) {
        LockSupport.parkNanos(400_000_000L);
        String leader = c.raft.awaitLeader(ELECTION);
        c.raft.crash(leader);
        c.raft.awaitLeader(ELECTION);
        c.raft.restart(leader);
      }
      stop.set(true);
      for (Thread w : writers) w.join(30_000);
      long n = value(await(kv.get("n")));
      assertTrue(n >= done.get() && n <= done.get() + unknown.get(),
          "counter " + n + ", done " + done.get() + ", unknown " + unknown.get());
      assertEquals(0, unknown.get(), "retries with the session resolve unknown outcomes");
      assertNotEquals(0, done.get());
    }
  }
}
