package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ReadConsistency;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import io.raftactors.testkit.lin.History;
import io.raftactors.testkit.lin.LinearizabilityChecker;
import io.raftactors.testkit.lin.RegisterModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * LEASE reads trust the leader's clock: a majority acknowledged it within
 * election-timeout-min × (1 - lease-clock-drift) by that clock, so no other leader can exist yet
 * as long as no clock runs faster than the leader's by more than the drift. Here the leader is cut
 * off with one follower while its clock runs slow. Far beyond the bound (0.2× real time) it keeps
 * serving LEASE reads after the others elected a new leader and took writes, and the checker
 * shows those stale reads; within the bound (1 - drift/2) none occur.
 */
@ExtendWith(RaftClusterExtension.class)
class LeaseClockSkewTest {

  @Test
  void beyondTheDriftBoundStaleLeaseReadsHappenAndTheCheckerCatchesThem(TestClusters clusters) throws Exception {
    LinearizabilityChecker.Result r = run(clusters, 0.2, 6);
    assertFalse(r.timedOut(), "the checker ran out of time, so it proved nothing: " + r.explain());
    assertFalse(r.linearizable(), "no stale LEASE read was observed with the leader's clock at 0.2x");
    System.out.println("beyond the bound, as expected:\n" + r.explain());
  }

  @Test
  void withinTheDriftBoundLeaseReadsStayLinearizable(TestClusters clusters) throws Exception {
    LinearizabilityChecker.Result r = run(clusters, 1 - 0.1 / 2, 3);
    assertTrue(r.linearizable(), r.explain());
  }

  /** Rounds of: slow the leader's clock, cut it off with one follower, heal. */
  private static LinearizabilityChecker.Result run(TestClusters clusters, double rate, int rounds) throws Exception {
    KvCluster c = KvCluster.start(clusters, 5, b -> b);
    c.raft.awaitLeader(Duration.ofSeconds(5));
    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<KvClient> clients = new ArrayList<>();
    int client = 0;
    for (String id : c.raft.nodeIds()) {
      KvClient reader = c.clientOf(id);
      KvClient writer = c.clientOf(id);
      clients.add(reader);
      clients.add(writer);
      int readerId = client++;
      int writerId = client++;
      threads.add(new Thread(() -> {
        while (!stop.get()) {
          ChaosWorkload.record(history.invoke(readerId, "r", new RegisterModel.Get()),
              reader.get(Bytes.of("r"), ReadConsistency.LEASE), v -> v.map(x -> x.value().utf8()).orElse(null));
          java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
      }));
      threads.add(new Thread(() -> {
        long n = 0;
        while (!stop.get()) {
          String value = writerId + "-" + n++;
          ChaosWorkload.record(history.invoke(writerId, "r", new RegisterModel.Put(value)), writer.put("r", value),
              x -> "OK");
          java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
      }));
    }
    threads.forEach(Thread::start);
    for (int round = 0; round < rounds; round++) {
      Thread.sleep(500);
      String leader = c.raft.awaitLeader(Duration.ofSeconds(10));
      List<String> others = new ArrayList<>(c.raft.nodeIds());
      others.remove(leader);
      c.raft.clock(leader).setRate(rate);
      c.raft.network().partition(Set.of(leader, others.get(0)), Set.copyOf(others.subList(1, others.size())));
      Thread.sleep(2500);
      c.raft.network().heal();
      c.raft.clock(leader).setRate(1);
    }
    Thread.sleep(500);
    stop.set(true);
    for (Thread t : threads) t.join(30_000);
    clients.forEach(KvClient::close);
    return LinearizabilityChecker.check(new RegisterModel(), history.operations(), TimeUnit.SECONDS.toNanos(60));
  }
}
