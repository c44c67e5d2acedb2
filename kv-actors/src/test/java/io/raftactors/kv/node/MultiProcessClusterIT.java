package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.raftactors.kv.http.ConsoleClient;
import io.raftactors.kv.http.PrometheusParser;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Three node JVMs from the jar and {@code conf/node1..3.conf} on free loopback ports, driven by
 * Redis clients while the leader is killed with SIGKILL, restarted, and a node is paused with
 * SIGSTOP. Every write gets a key of its own, so the end state tells exactly which writes
 * applied: every acknowledged write must be there, no write answered {@code -TRYAGAIN} may be.
 */
class MultiProcessClusterIT {
  @TempDir Path dir;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final RespWriters writes = new RespWriters("w");

  @AfterEach
  void stopEverything() throws Exception {
    writes.close();
    NodeProcess.killAll(nodes);
  }

  @Test
  void survivesLeaderKillRestartAndPauseWithoutLosingAcknowledgedWrites() throws Exception {
    nodes.addAll(NodeProcess.threeNodes(dir, Path.of("target", "it-logs", "multi-process")));
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    String leader = NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(30));
    System.out.println("leader: " + leader);

    // A write through each node, read back through the others.
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        assertEquals("OK", j.set("via:" + n.id, n.id));
      }
    }
    for (NodeProcess n : nodes) {
      try (Jedis j = n.client()) {
        for (NodeProcess m : nodes) assertEquals(m.id, j.get("via:" + m.id));
      }
    }

    for (NodeProcess n : nodes) writes.start(n);
    Thread.sleep(1500);

    // kill -9 the leader; the others elect a new one and keep taking writes. (Leader and term come
    // from one answer: had leadership moved since, the survivors' leader is in a later term anyway.)
    Map<String, String> leading = NodeProcess.awaitLeaderInfo(nodes, null, Duration.ofSeconds(10));
    NodeProcess killed = node(leading.get("node_id"));
    long oldTerm = Long.parseLong(leading.get("term"));
    long killedAt = System.nanoTime();
    killed.kill();
    List<NodeProcess> survivors = nodes.stream().filter(n -> n != killed).toList();
    String newLeader = NodeProcess.awaitLeader(survivors, oldTerm, Duration.ofSeconds(10));
    long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("after kill -9 of " + killed.id + ": " + newLeader + " leads, " + electedMs + " ms later");
    writes.awaitProgress("writes continue through the survivors");

    // Restart it from its data directory: it catches up.
    killed.start();
    killed.awaitServing(Duration.ofSeconds(60));
    NodeProcess.awaitCaughtUp(killed, nodes, Duration.ofSeconds(30));
    System.out.println(killed.id + " restarted and caught up: " + killed.infoRaft());
    checkConsole(killed);

    // Pause the current leader with SIGSTOP, then resume it: it must rejoin as a follower.
    Map<String, String> pausing = NodeProcess.awaitLeaderInfo(nodes, null, Duration.ofSeconds(10));
    NodeProcess paused = node(pausing.get("node_id"));
    long pausedTerm = Long.parseLong(pausing.get("term"));
    paused.signal("STOP");
    List<NodeProcess> others = nodes.stream().filter(n -> n != paused).toList();
    String leaderWhilePaused = NodeProcess.awaitLeader(others, pausedTerm, Duration.ofSeconds(10));
    writes.awaitProgress("writes continue while " + paused.id + " is paused");
    paused.signal("CONT");
    NodeProcess.awaitCaughtUp(paused, nodes, Duration.ofSeconds(30));
    System.out.println(paused.id + " paused and resumed; " + leaderWhilePaused + " led meanwhile; now "
        + paused.infoRaft());
    Thread.sleep(1000);

    writes.close();
    System.out.println("writes: " + writes.summary());
    writes.checkNothingLost(nodes);

    // Clean shutdown on SIGTERM, then a restart of all three from their data: nothing lost.
    for (NodeProcess n : nodes) {
      assertEquals(0, n.terminate(Duration.ofSeconds(30)), n.id + " exit code after SIGTERM");
      String log = java.nio.file.Files.readString(n.log());
      assertTrue(log.contains("SIGTERM, shutting down") && log.contains("stopped cleanly"), log);
    }
    for (NodeProcess n : nodes) n.start();
    for (NodeProcess n : nodes) n.awaitServing(Duration.ofSeconds(60));
    NodeProcess.awaitLeader(nodes, null, Duration.ofSeconds(30));
    writes.checkNothingLost(nodes);
  }

  /**
   * The console of {@code n} shows all three members, asked over Artery: up, one leader with its
   * view of both followers' lag, their key counts and traffic; its /metrics parses, /health is 200.
   */
  private void checkConsole(NodeProcess n) throws Exception {
    ConsoleClient console = new ConsoleClient("http://127.0.0.1:" + n.httpPort + "/", null);
    JsonNode view = console.awaitView("the console of " + n.id + " showing the whole cluster", v -> {
      List<JsonNode> members = new ArrayList<>();
      v.get("members").forEach(members::add);
      boolean allUp = members.size() == 3 && members.stream().allMatch(m -> m.get("up").asBoolean()
          && m.get("keys").asLong() >= 3);
      JsonNode leader = members.stream().filter(m -> "LEADER".equals(m.path("role").asText())).findFirst()
          .orElse(null);
      return allUp && leader != null && leader.get("lag").size() == 2 && leader.get("sent").size() == 2;
    });
    System.out.println("console of " + n.id + ": " + view);
    HttpResponse<String> health = console.get("health");
    assertEquals(200, health.statusCode(), health.body());
    HttpResponse<String> metrics = console.get("metrics");
    assertEquals(200, metrics.statusCode());
    PrometheusParser.assertParses(metrics.body());
  }

  private NodeProcess node(String id) {
    return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
  }
}
