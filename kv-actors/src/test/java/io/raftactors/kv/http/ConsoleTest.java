package io.raftactors.kv.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.node.LocalCluster;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP console of a 3-node local cluster, through plain HTTP: the cluster view, /health,
 * /metrics, the demo's crash / restart / isolate / heal, and the password.
 */
class ConsoleTest {
  @TempDir
  Path dir;

  private static LocalCluster start(Path dir, String overrides) throws Exception {
    LocalCluster cluster = LocalCluster.start(3, dir, 0,
        ConfigFactory.parseString("kv.http.update-interval = 100ms\n" + overrides));
    if (cluster.awaitLeader(Duration.ofSeconds(20)).isEmpty()) throw new AssertionError("no leader in 20 s");
    return cluster;
  }

  @Test
  void theViewShowsEveryMemberAndOneLeader_andTheDemoFailsItOver() throws Exception {
    try (LocalCluster cluster = start(dir, "")) {
      assertEquals(3, cluster.consoles().size());
      ConsoleClient n1 = new ConsoleClient(cluster.consoles().get(0).url(), null);
      // A view is built from the members' answers as they come: wait for one with all of them.
      JsonNode view = n1.awaitView("3 members up, one of them the leader, with its view of both followers' lag",
          v -> {
            List<JsonNode> leaders = new ArrayList<>();
            int up = 0;
            for (JsonNode m : v.get("members")) {
              if (m.get("up").asBoolean()) up++;
              if ("LEADER".equals(m.path("role").asText())) leaders.add(m);
            }
            return v.get("members").size() == 3 && up == 3 && leaders.size() == 1
                && leaders.get(0).get("lag").size() == 2
                && leaders.get(0).get("id").asText().equals(v.get("leader").asText());
          });
      String leader = view.get("leader").asText();
      assertEquals("n1", view.get("self").asText());
      assertTrue(view.get("history").size() >= 1, view.toString());
      assertTrue(view.has("demo"), "raft-kv local has the demo's buttons");

      // Without the demo header (a form on another site), nothing happens.
      assertEquals(400, n1.post("demo/crash/" + leader, false).statusCode());
      HttpResponse<String> crashed = n1.post("demo/crash/" + leader, true);
      assertEquals(200, crashed.statusCode(), crashed.body());
      String next = awaitLeader(n1, leader);
      assertNotEquals(leader, next);
      JsonNode after = n1.cluster();
      for (JsonNode m : after.get("members")) {
        if (m.get("id").asText().equals(leader)) assertEquals(false, m.get("up").asBoolean(), m.toString());
      }
      assertEquals(409, n1.post("demo/crash/" + leader, true).statusCode(), "already down");

      HttpResponse<String> restarted = n1.post("demo/restart/" + leader, true);
      assertEquals(200, restarted.statusCode(), restarted.body());
      awaitAllUp(n1);

      // An isolated leader is deposed; healing brings it back as a follower.
      HttpResponse<String> isolated = n1.post("demo/isolate/" + next, true);
      assertEquals(200, isolated.statusCode(), isolated.body());
      String third = awaitLeader(n1, next);
      assertNotEquals(next, third);
      assertEquals(200, n1.post("demo/heal", true).statusCode());
      awaitAllUp(n1);
      // The deposed leader hears the new one again: a follower of the current term.
      n1.awaitView("the network healed", v -> {
        JsonNode old = null;
        for (JsonNode m : v.get("members")) if (m.get("id").asText().equals(next)) old = m;
        return v.get("demo").get("isolated").size() == 0 && "FOLLOWER".equals(old.get("role").asText())
            && old.get("term").asLong() == v.get("term").asLong()
            && old.get("leader").asText().equals(v.get("leader").asText());
      });
    }
  }

  @Test
  void oneRestartAtATime_andOnlyLoopbackHostNames() throws Exception {
    try (LocalCluster cluster = start(dir, "")) {
      ConsoleClient c = new ConsoleClient(cluster.consoles().get(0).url(), null);
      String leader = awaitLeader(c, null);
      String follower = cluster.nodes().stream().map(n -> n.nodeId()).filter(id -> !id.equals(leader))
          .findFirst().orElseThrow();
      assertEquals(200, c.post("demo/crash/" + follower, true).statusCode());
      // Two restarts at once (a double click): one starts the member, the other is refused.
      java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var a = two.submit(() -> c.post("demo/restart/" + follower, true).statusCode());
        var b = two.submit(() -> c.post("demo/restart/" + follower, true).statusCode());
        List<Integer> codes = new ArrayList<>(List.of(a.get(), b.get()));
        java.util.Collections.sort(codes);
        assertEquals(List.of(200, 409), codes);
      } finally {
        two.shutdownNow();
      }
      awaitAllUp(c);
      assertEquals(3, cluster.nodes().size());

      HttpResponse<String> page = c.get("");
      assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
      assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
      // A page whose DNS name was rebound to 127.0.0.1 names its own host: refused.
      java.net.Socket s = new java.net.Socket("127.0.0.1", cluster.consoles().get(0).address().getPort());
      try (s) {
        s.getOutputStream().write(("GET /api/cluster HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(response.startsWith("HTTP/1.1 421"), response);
      }
    }
  }

  @Test
  void healthAndMetrics() throws Exception {
    try (LocalCluster cluster = start(dir, "")) {
      for (HttpConsole console : cluster.consoles()) {
        ConsoleClient c = new ConsoleClient(console.url(), null);
        HttpResponse<String> health = c.awaitStatus("health", 200);
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
        HttpResponse<String> metrics = c.get("metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=UTF-8",
            metrics.headers().firstValue("Content-Type").orElse(""));
        assertTrue(metrics.body().contains("raft_journal_fsync_seconds_bucket{node=\"" + console.nodeId() + "\""),
            metrics.body());
        PrometheusParser.assertParses(metrics.body());
      }
      // A crashed node's console stays up in the demo and says the node is down.
      String leader = cluster.awaitLeader(Duration.ofSeconds(5)).orElseThrow().nodeId();
      ConsoleClient c = new ConsoleClient(consoleOf(cluster, leader).url(), null);
      java.net.Socket resp = new java.net.Socket("127.0.0.1", cluster.respPort(leader));
      assertEquals(200, c.post("demo/crash/" + leader, true).statusCode());
      try (resp) { // its clients see the connection end, and go elsewhere
        resp.setSoTimeout(5000);
        int read;
        try {
          read = resp.getInputStream().read();
        } catch (java.net.SocketException reset) {
          read = -1;
        }
        assertEquals(-1, read, "the crashed node's RESP connection is closed");
      }
      HttpResponse<String> down = c.get("health");
      assertEquals(503, down.statusCode());
      assertTrue(down.body().contains("down"), down.body());
    }
  }

  @Test
  void aPasswordGuardsEveryPath() throws Exception {
    try (LocalCluster cluster = start(dir, "kv.resp.password = \"s3cret\"")) {
      String url = cluster.consoles().get(0).url();
      for (String path : List.of("", "events", "api/cluster", "metrics", "health")) {
        HttpResponse<String> r = new ConsoleClient(url, null).get(path);
        assertEquals(401, r.statusCode(), path);
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
        assertEquals(401, new ConsoleClient(url, "wrong").get(path).statusCode(), path);
      }
      assertEquals(401, new ConsoleClient(url, null).post("demo/heal", true).statusCode());
      ConsoleClient ok = new ConsoleClient(url, "s3cret");
      assertEquals(200, ok.awaitStatus("health", 200).statusCode());
      assertEquals(200, ok.get("").statusCode());
      assertEquals(3, ok.cluster().get("members").size());
    }
  }

  private static HttpConsole consoleOf(LocalCluster cluster, String id) {
    return cluster.consoles().stream().filter(c -> c.nodeId().equals(id)).findFirst().orElseThrow();
  }

  /** The leader the view shows, once it shows one other than {@code not}. */
  private static String awaitLeader(ConsoleClient c, String not) throws Exception {
    return c.awaitView("a leader other than " + not, view -> !view.get("leader").isNull()
        && !view.get("leader").asText().equals(not)).get("leader").asText();
  }

  private static void awaitAllUp(ConsoleClient c) throws Exception {
    c.awaitView("all members up with a leader", view -> {
      int up = 0;
      for (JsonNode m : view.get("members")) if (m.get("up").asBoolean()) up++;
      return up == 3 && !view.get("leader").isNull();
    });
  }
}
