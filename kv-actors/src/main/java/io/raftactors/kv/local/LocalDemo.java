package io.raftactors.kv.local;

import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.StateMachine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The guided demo of {@code raft-kv local}: a 3-node group in one JVM elects a leader, commits
 * commands, loses its leader, elects another, keeps committing, and takes the old leader back,
 * which catches up from the new leader.
 */
public final class LocalDemo {
  private LocalDemo() {}

  /** Keeps a running count of commands; answers with the count and the command. */
  static final class Tally implements StateMachine {
    private long count;

    @Override
    public byte[] apply(CommittedCommand c) {
      count++;
      return ("#" + count + " " + new String(c.command(), StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  public static void run() {
    try (LocalCluster cluster = new LocalCluster(3, Tally::new)) {
      say("started 3 Raft members in one JVM: %s (in-memory journals)", cluster.nodeIds());
      long t0 = System.nanoTime();
      String leader = cluster.awaitLeader(Duration.ofSeconds(10));
      say("%s was elected leader after %d ms", leader, (System.nanoTime() - t0) / 1_000_000);
      for (int i = 1; i <= 3; i++) commit(cluster, leader, "set x=" + i);
      String follower = cluster.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().get();
      commit(cluster, follower, "sent to follower " + follower + ", forwarded to the leader");
      statuses(cluster);

      say("crashing the leader %s ...", leader);
      cluster.crash(leader);
      t0 = System.nanoTime();
      String next = cluster.awaitLeader(Duration.ofSeconds(10));
      say("%s took over after %d ms", next, (System.nanoTime() - t0) / 1_000_000);
      for (int i = 4; i <= 5; i++) commit(cluster, next, "set x=" + i);

      say("restarting %s from its journal ...", leader);
      cluster.start(leader);
      long target = cluster.status(next).commitIndex();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (cluster.status(leader).lastApplied() < target && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
      }
      say("%s caught up to index %d and follows %s", leader, cluster.status(leader).lastApplied(),
          cluster.status(leader).leaderId());
      statuses(cluster);
      say("done.");
    }
  }

  private static void commit(LocalCluster cluster, String via, String command) {
    long t0 = System.nanoTime();
    ProposeResult r = cluster.propose(via, command.getBytes(StandardCharsets.UTF_8));
    long us = (System.nanoTime() - t0) / 1000;
    if (r instanceof ProposeResult.Applied a) {
      say("committed at index %d (term %d) in %d µs: %s", a.index(), a.term(), us,
          new String(a.result(), StandardCharsets.UTF_8));
    } else {
      say("not committed: %s", r);
    }
  }

  private static void statuses(LocalCluster cluster) {
    for (String id : cluster.nodeIds()) {
      if (!cluster.isRunning(id)) {
        say("  %s: down", id);
        continue;
      }
      NodeStatus s = cluster.status(id);
      say("  %s: %-9s term %d, leader %s, commit %d, applied %d, last log index %d", id,
          s.role().externalName(), s.term(), s.leaderId(), s.commitIndex(), s.lastApplied(),
          s.lastLogIndex());
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
