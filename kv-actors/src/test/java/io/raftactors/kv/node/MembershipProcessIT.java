package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.testkit.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Membership changes between node JVMs, made as an operator would, over RESP: a fourth JVM,
 * started outside {@code raft.members}, waits as a non-member; {@code RAFT.ADDLEARNER} makes it a
 * learner that catches up, {@code RAFT.PROMOTE} a voter that counts toward quorums;
 * {@code RAFT.TRANSFER} moves leadership to it; SIGTERM on it hands leadership back at once; and
 * {@code RAFT.REMOVE} takes it out. Writers run throughout; no acknowledged write may be lost.
 */
class MembershipProcessIT {
  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final RespWriters writes = new RespWriters("m");

  @AfterEach
  void stopEverything() throws Exception {
    writes.close();
    NodeProcess.killAll(nodes);
  }

  @Test
  void addsAFourthJvmPromotesItTransfersToItAndRemovesIt() throws Exception {
    Path logs = Path.of("target", "it-logs", "membership");
    nodes.addAll(NodeProcess.threeNodes(dir, logs));
    String members = "n1@127.0.0.1:" + nodes.get(0).raftPort + ",n2@127.0.0.1:" + nodes.get(1).raftPort
        + ",n3@127.0.0.1:" + nodes.get(2).raftPort;
    int raft4 = LoopbackPorts.free();
    NodeProcess n4 = new NodeProcess("n4", Path.of("..", "conf", "node1.conf"), members, raft4,
        LoopbackPorts.free(), dir.resolve("n4"), logs, List.of("-Draft.node-id=n4"));
    nodes.add(n4);
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    List<NodeProcess> original = nodes.subList(0, 3);
    NodeProcess.awaitLeader(original, null, Duration.ofSeconds(30));
    for (NodeProcess n : original) writes.start(n);
    writes.awaitProgress("writes before the change");

    // n4 runs but is not a member: it has no leader, no log, and says what to do.
    Map<String, String> info = n4.infoRaft();
    assertEquals("none", info.get("member_role"), info.toString());
    assertEquals("0", info.get("last_log_index"), info.toString());
    assertTrue(java.nio.file.Files.readString(n4.log()).contains("RAFT.ADDLEARNER n4 127.0.0.1:" + raft4));

    // Bad requests get clear errors and change nothing.
    try (Jedis j = nodes.get(1).client()) {
      assertError(j, "ERR", "RAFT.ADDLEARNER", "n4", "not-an-address");
      assertError(j, "ERR", "RAFT.PROMOTE", "n4");
      assertError(j, "ERR", "RAFT.REMOVE", "n9");
      assertError(j, "ERR", "RAFT.TRANSFER", "n9");
    }

    // Through a follower or the leader alike: any member forwards to the leader.
    try (Jedis j = nodes.get(1).client()) {
      assertEquals("OK", command(j, "RAFT.ADDLEARNER", "n4", "127.0.0.1:" + raft4));
    }
    // A key acknowledged before the catch-up target is read: its entry is at or below that target.
    // (The writers go on meanwhile; a key acknowledged later may not have reached the learner yet.)
    String key = writes.acked.keySet().iterator().next();
    NodeProcess.awaitCaughtUp(n4, original, Duration.ofSeconds(30));
    assertEquals("learner", n4.infoRaft().get("member_role"));
    try (Jedis j = n4.client()) {
      j.sendCommand(() -> "READCONSISTENCY".getBytes(), "stale");
      assertEquals(key, j.get(key), "a learner serves stale reads");
    }
    retryUntilOk(nodes.get(0), Duration.ofSeconds(30), "RAFT.PROMOTE", "n4");
    for (NodeProcess n : nodes) {
      awaitField(n, "members", "n1,n2,n3,n4", Duration.ofSeconds(10));
      awaitField(n, "learners", "", Duration.ofSeconds(10));
    }
    assertEquals("voter", n4.infoRaft().get("member_role"));
    writes.start(n4);
    writes.awaitProgress("writes with four voters");

    // Leadership to the new node; then SIGTERM it: it hands leadership over before it exits.
    retryUntilOk(nodes.get(2), Duration.ofSeconds(30), "RAFT.TRANSFER", "n4");
    NodeProcess.awaitLeader(List.of(n4), null, Duration.ofSeconds(5));
    writes.awaitProgress("writes under n4");
    long term = termLedBy(n4);
    long stopping = System.nanoTime();
    assertEquals(0, n4.terminate(Duration.ofSeconds(30)));
    String next = NodeProcess.awaitLeader(original, term, Duration.ofSeconds(10));
    long handoffMs = (System.nanoTime() - stopping) / 1_000_000;
    String n4log = java.nio.file.Files.readString(n4.log());
    assertTrue(n4log.contains("leadership handed over"), "no handoff in n4's log:\n" + n4log);
    System.out.println("SIGTERM on leader n4: " + next + " leads " + handoffMs + " ms later");
    writes.awaitProgress("writes after the handoff");

    // n4 is gone for good: take it out. Three voters again.
    retryUntilOk(nodes.get(0), Duration.ofSeconds(30), "RAFT.REMOVE", "n4");
    for (NodeProcess n : original) awaitField(n, "members", "n1,n2,n3", Duration.ofSeconds(10));

    writes.close();
    System.out.println("writes: " + writes.summary());
    writes.checkNothingLost(original);
  }

  /**
   * The term {@code n} leads in, moving leadership back to it first if it lost it meanwhile (a
   * stalled moment on this shared machine can end a term; what follows needs {@code n} leading).
   */
  private long termLedBy(NodeProcess n) throws InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Map<String, String> info = n.infoRaft();
      if ("leader".equals(info.get("role"))) return Long.parseLong(info.get("term"));
      System.out.println(n.id + " no longer leads (" + info + "); transferring to it again");
      retryUntilOk(nodes.get(0), Duration.ofSeconds(30), "RAFT.TRANSFER", n.id);
      try {
        NodeProcess.awaitLeader(List.of(n), null, Duration.ofSeconds(5));
      } catch (AssertionError e) {
        System.out.println("the transfer to " + n.id + " did not take: " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    throw new AssertionError(n.id + " does not keep the leadership: " + n.describe());
  }

  private static Object command(Jedis j, String name, String... args) {
    Object reply = j.sendCommand(() -> name.getBytes(), args);
    return reply instanceof byte[] b ? new String(b) : reply;
  }

  private static void assertError(Jedis j, String prefix, String name, String... args) {
    try {
      Object reply = command(j, name, args);
      throw new AssertionError(name + " " + String.join(" ", args) + " answered " + reply);
    } catch (JedisDataException e) {
      assertTrue(e.getMessage().startsWith(prefix + " "), name + ": " + e.getMessage());
    }
  }

  /**
   * Sends the command until it answers OK, retrying on -TRYAGAIN (a learner still catching up). A
   * -TIMEOUT (the change may or may not have been made) ends it too: every caller then waits for
   * the outcome it needs in INFO raft, which tells.
   */
  private static void retryUntilOk(NodeProcess via, Duration timeout, String name, String... args)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      try (Jedis j = via.client()) {
        if ("OK".equals(command(j, name, args))) return;
      } catch (JedisDataException e) {
        last = e.getMessage();
        if (last.startsWith("TIMEOUT")) {
          System.out.println(name + " " + String.join(" ", args) + ": " + last + "; INFO raft will tell");
          return;
        }
        if (!last.startsWith("TRYAGAIN")) throw new AssertionError(name + ": " + last);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " " + String.join(" ", args) + " not OK within " + timeout + ": " + last);
  }

  private static void awaitField(NodeProcess n, String field, String value, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!value.equals(n.infoRaft().get(field))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n.id + " " + field + " is not '" + value + "': " + n.describe());
      }
      Thread.sleep(100);
    }
  }
}
