package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Snapshots across real processes: three node JVMs compacting every 50 entries; a follower is
 * killed with SIGKILL and its data directory wiped, the others take more writes, and the wiped
 * node comes back by InstallSnapshot over Artery (16 KiB chunks). It must then hold every key, and
 * hold them again after another SIGKILL and a restart from its own snapshot and journal.
 */
class SnapshotInstallIT {
  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    NodeProcess.killAll(nodes);
  }

  @Test
  void aWipedNodeCatchesUpBySnapshotOverTheNetworkAndRestartsFromIt() throws Exception {
    nodes.addAll(NodeProcess.threeNodes(dir, Path.of("target", "it-logs", "snapshot-install"), List.of(
        "-Draft.snapshot.entries=50", "-Draft.snapshot.keep-tail=10",
        "-Draft.snapshot.install.chunk-size=16KiB")));
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    String leaderId = NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(30));
    NodeProcess leader = node(leaderId);
    NodeProcess victim = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

    write(leader, 0, 2000);
    victim.kill();
    deleteTree(dir.resolve(victim.id));
    write(leader, 2000, 4000);
    Map<String, String> info = leader.infoRaft();
    long commit = Long.parseLong(info.get("commit_index"));
    // A pipeline of 10 SETs is one log entry: about 200 entries before the kill, 400 after.
    assertTrue(Long.parseLong(info.get("first_log_index")) > 250, "the leader compacted: " + info);

    victim.start();
    victim.awaitServing(Duration.ofSeconds(60));
    awaitApplied(victim, commit);
    Map<String, String> caughtUp = victim.infoRaft();
    assertTrue(Long.parseLong(caughtUp.get("snapshot_index")) > 0, "caught up by snapshot: " + caughtUp);
    assertTrue(Files.readString(victim.log()).contains("installed snapshot"), "installed a snapshot");
    assertAllKeys(victim, 4000);

    victim.kill();
    victim.start();
    victim.awaitServing(Duration.ofSeconds(60));
    awaitApplied(victim, commit);
    assertAllKeys(victim, 4000);
    assertTrue(Files.readString(victim.log()).contains("restored snapshot"), "restarted from its snapshot");
  }

  private NodeProcess node(String id) {
    return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
  }

  private static String value(int i) {
    return ("value-" + i + "-").repeat(40);
  }

  /**
   * SETs keys {@code from..to-1} through {@code n}, 10 to a pipeline; a pipeline answered -TRYAGAIN
   * or -TIMEOUT (an election: two of three voters on a shared machine may stall) is sent again,
   * which changes nothing for the SETs that were applied.
   */
  private static void write(NodeProcess n, int from, int to) throws InterruptedException {
    try (Jedis j = n.client()) {
      for (int batch = from; batch < to; batch += 10) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          Pipeline p = j.pipelined();
          for (int i = batch; i < Math.min(to, batch + 10); i++) p.set("key:" + i, value(i));
          List<Object> replies = p.syncAndReturnAll();
          if (replies.stream().allMatch("OK"::equals)) break;
          for (Object reply : replies) {
            boolean retryable = reply instanceof JedisDataException e
                && (e.getMessage().startsWith("TRYAGAIN") || e.getMessage().startsWith("TIMEOUT"));
            if (!"OK".equals(reply) && (!retryable || System.nanoTime() > deadline)) {
              throw new AssertionError("SET key:" + batch + "..: " + reply);
            }
          }
          Thread.sleep(200);
        }
      }
    }
  }

  private static void awaitApplied(NodeProcess n, long index) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String applied = n.infoRaft().get("last_applied");
      if (applied != null && Long.parseLong(applied) >= index) return;
      Thread.sleep(100);
    }
    throw new AssertionError(n.id + " did not apply up to " + index + ": " + n.describe());
  }

  /** Every key, read from the node's own state (stale reads are served locally). */
  private static void assertAllKeys(NodeProcess n, int count) {
    try (Jedis j = n.client()) {
      j.sendCommand(() -> "READCONSISTENCY".getBytes(), "stale");
      for (int i = 0; i < count; i++) assertEquals(value(i), j.get("key:" + i), "key:" + i + " on " + n.id);
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
