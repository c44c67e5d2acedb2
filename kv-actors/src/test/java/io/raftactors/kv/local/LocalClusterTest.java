package io.raftactors.kv.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.raftactors.raft.ProposeResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code bin/raft-kv local} shows: election, commits, a leader crash, failover, catch-up. */
class LocalClusterTest {
  @Test
  void failsOverAndTheOldLeaderCatchesUpFromItsJournal() {
    try (LocalCluster cluster = new LocalCluster(3, LocalDemo.Tally::new)) {
      String leader = cluster.awaitLeader(Duration.ofSeconds(10));
      ProposeResult.Applied first = assertInstanceOf(ProposeResult.Applied.class,
          cluster.propose(leader, "a".getBytes(StandardCharsets.UTF_8)));
      assertEquals("#1 a", new String(first.result(), StandardCharsets.UTF_8));

      cluster.crash(leader);
      String next = cluster.awaitLeader(Duration.ofSeconds(10));
      assertNotEquals(leader, next);
      ProposeResult.Applied second = assertInstanceOf(ProposeResult.Applied.class,
          cluster.propose(next, "b".getBytes(StandardCharsets.UTF_8)));
      assertEquals("#2 b", new String(second.result(), StandardCharsets.UTF_8));

      cluster.start(leader);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (cluster.status(leader).lastApplied() < second.index() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
      assertEquals(second.index(), cluster.status(leader).lastApplied());
      assertEquals(next, cluster.status(leader).leaderId());
    }
  }
}
