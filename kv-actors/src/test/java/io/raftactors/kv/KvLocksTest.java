package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.lock.KvElection;
import io.raftactors.kv.lock.KvLock;
import io.raftactors.kv.lock.KvLocks;
import io.raftactors.kv.lock.KvReadWriteLock;
import io.raftactors.kv.lock.KvSemaphore;
import io.raftactors.kv.lock.LockGrant;
import io.raftactors.kv.lock.LockSettings;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ZooKeeper-style recipes of {@code io.raftactors.kv.lock} on a 3-node cluster. */
@ExtendWith(RaftClusterExtension.class)
class KvLocksTest {
  /**
   * Sessions end 3 s after their holder is cut off: short for the tests of that, long enough that a
   * renewal or two delayed by a slow election on a loaded machine does not end a live one.
   */
  static final LockSettings FAST = new LockSettings(Duration.ofSeconds(3), Duration.ofMillis(500));
  final List<AutoCloseable> closing = new ArrayList<>();
  KvCluster c;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable a : closing) a.close();
  }

  KvLocks locks(KvClient client) {
    closing.add(client);
    KvLocks l = KvLocks.create(client, FAST);
    closing.add(0, l);
    return l;
  }

  KvLocks locks() {
    return locks(c.client());
  }

  /** A client for looking at the queues. */
  KvClient probe() {
    KvClient p = c.client();
    closing.add(p);
    return p;
  }

  static <T> T join(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  void start(TestClusters clusters) {
    c = KvCluster.start(clusters, 3, b -> b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
  }

  /** Entries queued under {@code prefix}. */
  long queued(KvClient client, String prefix) throws Exception {
    return join(client.range(Bytes.of(prefix), 0, ReadConsistency.LINEARIZABLE)).kvs().size();
  }

  void awaitQueued(KvClient client, String prefix, long n) {
    c.raft.awaitCondition(n + " entries under " + prefix, Duration.ofSeconds(10), () -> {
      try {
        return queued(client, prefix) == n;
      } catch (Exception e) {
        return false;
      }
    });
  }

  /** {@code waiting} is still not granted after {@code STILL} (a deadline-bounded wait that must run out). */
  static void assertStillWaiting(CompletableFuture<?> waiting, String why) throws Exception {
    assertThrows(java.util.concurrent.TimeoutException.class,
        () -> waiting.get(STILL.toMillis(), TimeUnit.MILLISECONDS), why);
  }

  static final Duration STILL = Duration.ofMillis(300);

  @Test
  void aMutexExcludesAndServesWaitersInArrivalOrderWithGrowingTokens(TestClusters clusters) throws Exception {
    start(clusters);
    KvClient probe = probe();
    KvLock a = locks().mutex("m");
    KvLock b = locks().mutex("m");
    KvLock d = locks().mutex("m");
    LockGrant ga = join(a.lock());
    CompletableFuture<LockGrant> gb = b.lock().toCompletableFuture();
    awaitQueued(probe, "__lock/m/", 2);
    CompletableFuture<LockGrant> gd = d.lock().toCompletableFuture();
    awaitQueued(probe, "__lock/m/", 3);
    assertStillWaiting(gb, "nobody else holds while a holds");
    assertFalse(gd.isDone(), "nobody else holds while a holds");
    join(a.unlock());
    LockGrant second = gb.get(10, TimeUnit.SECONDS);
    assertStillWaiting(gd, "the third waits for the second, not for the first");
    join(b.unlock());
    LockGrant third = gd.get(10, TimeUnit.SECONDS);
    assertTrue(ga.token() < second.token() && second.token() < third.token(),
        "tokens grow: " + ga + " " + second + " " + third);
    join(d.unlock());
    awaitQueued(probe, "__lock/m/", 0);
  }

  @Test
  void aReleaseWakesOnlyTheNextWaiter(TestClusters clusters) throws Exception {
    start(clusters);
    KvClient probe = probe();
    KvClient client = c.client();
    closing.add(client);
    KvLocks l = KvLocks.create(client, new LockSettings(Duration.ofSeconds(10), Duration.ofMinutes(5)));
    closing.add(0, l);
    KvLock holder = l.mutex("herd");
    join(holder.lock());
    List<CompletableFuture<LockGrant>> waiters = new ArrayList<>();
    List<KvLock> owners = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      KvLock w = l.mutex("herd");
      owners.add(w);
      waiters.add(w.lock().toCompletableFuture());
      awaitQueued(probe, "__lock/herd/", i + 2);
    }
    long before = KvLocks.queueReads();
    join(holder.unlock());
    waiters.get(0).get(10, TimeUnit.SECONDS);
    assertStillWaiting(waiters.get(1), "the second waits for the first"); // and any herd had time to read
    long reads = KvLocks.queueReads() - before;
    assertTrue(reads >= 1 && reads <= 2, "one release woke " + reads + " queue reads (a herd would be 8)");
    for (int i = 1; i < 8; i++) assertFalse(waiters.get(i).isDone(), "waiter " + i + " still waits");
    for (int i = 0; i < 8; i++) {
      waiters.get(i).get(10, TimeUnit.SECONDS);
      join(owners.get(i).unlock());
    }
  }

  @Test
  void aMutexIsReentrantForItsOwnerAndTryLockGivesUp(TestClusters clusters) throws Exception {
    start(clusters);
    KvLock owner = locks().mutex("r");
    KvLock other = locks().mutex("r");
    LockGrant first = join(owner.lock());
    LockGrant again = join(owner.lock());
    assertEquals(first.token(), again.token());
    assertEquals(2, owner.holds());
    assertEquals(Optional.empty(), join(other.tryLock(Duration.ZERO)));
    assertEquals(Optional.empty(), join(other.tryLock(Duration.ofMillis(300))));
    join(owner.unlock());
    assertEquals(Optional.empty(), join(other.tryLock(Duration.ZERO)), "still held once");
    join(owner.unlock());
    assertTrue(join(other.tryLock(Duration.ofSeconds(5))).isPresent());
    assertThrows(ExecutionException.class, () -> owner.unlock().toCompletableFuture().get());
  }

  @Test
  void aClientsOwnLockSessionEndsWithTheClient(TestClusters clusters) throws Exception {
    start(clusters);
    KvClient probe = probe();
    KvClient kv = c.client();
    LockGrant g = join(kv.locks().mutex("own").lock());
    assertTrue(g.isValid());
    assertEquals(1, queued(probe, "__lock/own/"));
    kv.close(); // ends its lock session: the lock is released at once, not after the TTL
    awaitQueued(probe, "__lock/own/", 0);
    assertFalse(g.isValid());
  }

  @Test
  void aCancelledOrTimedOutWaiterLeavesTheQueue(TestClusters clusters) throws Exception {
    start(clusters);
    KvClient probe = probe();
    KvLock holder = locks().mutex("q");
    join(holder.lock());
    CompletableFuture<LockGrant> waiting = locks().mutex("q").lock().toCompletableFuture();
    awaitQueued(probe, "__lock/q/", 2);
    waiting.cancel(false);
    awaitQueued(probe, "__lock/q/", 1);
    assertEquals(Optional.empty(), join(locks().mutex("q").tryLock(Duration.ofMillis(500))));
    awaitQueued(probe, "__lock/q/", 1);
    join(holder.unlock());
    assertTrue(join(locks().mutex("q").tryLock(Duration.ZERO)).isPresent());
  }

  @Test
  void aPartitionedClientsSessionExpiresItsLockPassesOnAndItsFencedWriteIsRefused(TestClusters clusters)
      throws Exception {
    start(clusters);
    String leader = c.raft.awaitLeader(Duration.ofSeconds(5));
    String cutOff = c.raft.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    KvClient lonely = c.clientOf(cutOff);
    KvLocks lonelyLocks = locks(lonely);
    KvLock lonelyLock = lonelyLocks.mutex("f");
    LockGrant old = join(lonelyLock.lock());
    assertTrue(join(lonely.fencedPut(Bytes.of("resource"), Bytes.of("old holder"), old.token())).applied());
    c.raft.network().disconnect(cutOff);
    LockGrant next = join(locks().mutex("f").lock()); // once the cut-off session's lease ends
    assertTrue(next.token() > old.token());
    assertEquals("the session's lease could not be renewed in time",
        old.lost().toCompletableFuture().get(10, TimeUnit.SECONDS).replaceFirst("^the session ended: ", ""));
    ExecutionException reentrant = assertThrows(ExecutionException.class,
        () -> lonelyLock.lock().toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertInstanceOf(io.raftactors.kv.lock.LockLostException.class, reentrant.getCause(),
        "a reentrant lock() on a lost grant fails instead of counting a hold nobody has");
    KvClient fresh = c.client();
    closing.add(fresh);
    join(fresh.fencedPut(Bytes.of("resource"), Bytes.of("new holder"), next.token()));
    c.raft.network().connect(cutOff);
    // The old holder, back after its pause, still believes in its token: refused.
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> lonely.fencedPut(Bytes.of("resource"), Bytes.of("late write"), old.token()).toCompletableFuture()
            .get(15, TimeUnit.SECONDS));
    KvException.Refused r = assertInstanceOf(KvException.Refused.class, refused.getCause());
    assertEquals(KvResult.Failure.Code.FENCED, r.failure().code());
    assertEquals("new holder", join(fresh.get("resource")).orElseThrow().value().utf8());
  }

  @Test
  void readersShareAWriterExcludesAndLaterReadersQueueBehindAWaitingWriter(TestClusters clusters) throws Exception {
    start(clusters);
    KvClient probe = probe();
    KvLocks l = locks();
    KvReadWriteLock r1 = l.readWriteLock("rw");
    KvReadWriteLock r2 = l.readWriteLock("rw");
    KvReadWriteLock w = l.readWriteLock("rw");
    KvReadWriteLock r3 = l.readWriteLock("rw");
    join(r1.readLock().lock());
    join(r2.readLock().lock());
    CompletableFuture<LockGrant> writer = w.writeLock().lock().toCompletableFuture();
    awaitQueued(probe, "__rwlock/rw/", 3);
    CompletableFuture<LockGrant> lateReader = r3.readLock().lock().toCompletableFuture();
    awaitQueued(probe, "__rwlock/rw/", 4);
    assertStillWaiting(writer, "the writer waits for the readers");
    assertFalse(lateReader.isDone(), "a reader after a waiting writer waits for it");
    join(r1.readLock().unlock());
    join(r2.readLock().unlock());
    writer.get(10, TimeUnit.SECONDS);
    assertStillWaiting(lateReader, "the late reader waits for the writer");
    join(w.writeLock().unlock());
    lateReader.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSemaphoreGrantsItsPermitsInOrder(TestClusters clusters) throws Exception {
    start(clusters);
    KvLocks l = locks();
    KvSemaphore s = l.semaphore("s", 2);
    LockGrant p1 = join(s.acquire());
    LockGrant p2 = join(s.acquire());
    CompletableFuture<LockGrant> third = s.acquire().toCompletableFuture();
    assertEquals(Optional.empty(), join(l.semaphore("s", 2).tryAcquire(Duration.ZERO)));
    assertStillWaiting(third, "two permits are held");
    join(s.release(p1));
    LockGrant p3 = third.get(10, TimeUnit.SECONDS);
    assertTrue(p3.token() > p2.token());
    join(s.release(p2));
    assertTrue(join(l.semaphore("s", 2).tryAcquire(Duration.ZERO)).isPresent());
  }

  @Test
  void anElectionHasOneLeaderAtATimeAndObserversFollowIt(TestClusters clusters) throws Exception {
    start(clusters);
    KvElection first = locks().election("e");
    KvElection second = locks().election("e");
    List<Optional<KvElection.Leader>> seen = new CopyOnWriteArrayList<>();
    var observer = locks().election("e").observe(seen::add);
    closing.add(observer::cancel);
    LockGrant one = join(first.campaign(Bytes.of("node-a")));
    CompletableFuture<LockGrant> two = second.campaign(Bytes.of("node-b")).toCompletableFuture();
    assertEquals("node-a", join(first.leader()).orElseThrow().value().utf8());
    assertTrue(join(first.proclaim(Bytes.of("node-a v2"))));
    assertStillWaiting(two, "one leader at a time");
    join(first.resign());
    LockGrant leads = two.get(10, TimeUnit.SECONDS);
    assertTrue(leads.token() > one.token());
    assertEquals("node-b", join(second.leader()).orElseThrow().value().utf8());
    c.raft.awaitCondition("the observer to see node-b", Duration.ofSeconds(10),
        () -> seen.stream().anyMatch(o -> o.isPresent() && o.get().value().utf8().equals("node-b")));
    List<String> values = seen.stream().map(o -> o.map(x -> x.value().utf8()).orElse("none")).toList();
    assertTrue(values.indexOf("node-a") < values.indexOf("node-a v2")
        && values.indexOf("node-a v2") < values.indexOf("node-b"), "in order: " + values);
  }
}
