package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.http.ConsoleClient;
import io.raftactors.testkit.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A cluster over Artery TLS with mutual authentication, set up as the README says: keys from
 * {@code conf/tls/make-keys.sh}, {@code conf/tls.conf} included by each node's file. A node whose
 * certificate our CA did not sign (though it trusts ours) cannot join or send Raft messages;
 * the real node with the same id and ports then joins and catches up.
 */
class TlsClusterIT {
  static final String PASSWORD = "tls-test-password";
  @TempDir Path dir;
  private final List<NodeProcess> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (NodeProcess n : started) if (n.alive()) n.kill();
  }

  private void makeKeys(Path out, String... ids) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", Path.of("..", "conf", "tls", "make-keys.sh").toString(),
        out.toString(), "127.0.0.1"));
    command.addAll(List.of(ids));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("RAFT_KV_TLS_PASSWORD", PASSWORD);
    b.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = b.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
  }

  private NodeProcess node(String id, String members, int raft, int resp, Path keyStore, Path trustStore)
      throws Exception {
    Path conf = dir.resolve(id + "-tls-" + System.nanoTime() + ".conf");
    Files.writeString(conf, "include file(\"" + Path.of("..", "conf", id.replace("n", "node") + ".conf")
        .toAbsolutePath().normalize() + "\")\ninclude file(\"" + Path.of("..", "conf", "tls.conf").toAbsolutePath()
        .normalize() + "\")\n");
    NodeProcess n = new NodeProcess(id, conf, members, raft, resp, dir.resolve("data-" + System.nanoTime()),
        Path.of("target", "it-logs", "tls"), List.of(
            "-Dakka.remote.artery.ssl.config-ssl-engine.key-store=" + keyStore,
            "-Dakka.remote.artery.ssl.config-ssl-engine.trust-store=" + trustStore));
    n.env("RAFT_KV_TLS_PASSWORD", PASSWORD);
    started.add(n);
    return n;
  }

  @Test
  void onlyNodesWithACertificateOfTheClusterCaTakePart() throws Exception {
    Path keys = dir.resolve("keys");
    Path rogue = dir.resolve("rogue");
    makeKeys(keys, "n1", "n2", "n3");
    makeKeys(rogue, "n3"); // a certificate for "n3", signed by another CA
    int[] raft = {LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free()};
    int[] resp = {LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free()};
    String members = "n1@127.0.0.1:" + raft[0] + ",n2@127.0.0.1:" + raft[1] + ",n3@127.0.0.1:" + raft[2];
    Path trust = keys.resolve("truststore.p12");
    NodeProcess n1 = node("n1", members, raft[0], resp[0], keys.resolve("n1.p12"), trust);
    NodeProcess n2 = node("n2", members, raft[1], resp[1], keys.resolve("n2.p12"), trust);
    n1.start();
    n2.start();
    n1.awaitServing(Duration.ofSeconds(60));
    n2.awaitServing(Duration.ofSeconds(60));
    NodeProcess.awaitLeader(List.of(n1, n2), null, Duration.ofSeconds(30));
    try (Jedis j1 = n1.client(); Jedis j2 = n2.client()) {
      assertEquals("OK", j1.set("tls:a", "1"));
      assertEquals("1", j2.get("tls:a"));
    }

    // The intruder trusts our CA, but its own certificate is not from it.
    NodeProcess intruder = node("n3", members, raft[2], resp[2], rogue.resolve("n3.p12"), trust);
    intruder.start();
    intruder.awaitServing(Duration.ofSeconds(60));
    Thread.sleep(6000); // ten election timeouts and more
    try (Jedis j1 = n1.client()) {
      assertEquals("OK", j1.set("tls:b", "2"));
    }
    Map<String, String> seen = intruder.infoRaft();
    assertEquals("", seen.get("leader_id"), "the intruder heard from the leader: " + seen);
    assertEquals("0", seen.get("commit_index"), "the intruder received entries: " + seen);
    assertEquals("0", seen.get("term"), "a pre-vote of the intruder was answered: " + seen);
    // Not one of its Raft messages reached a member (not their term, which a stalled moment of two
    // voters on this shared machine may move on its own).
    for (NodeProcess member : List.of(n1, n2)) {
      String metrics = new ConsoleClient("http://127.0.0.1:" + member.httpPort + "/", null).get("metrics").body();
      assertTrue(metrics.contains("raft_messages_received_total{node=\"" + member.id + "\",peer=\""
          + (member == n1 ? "n2" : "n1") + "\"}"), "the metric is there at all:\n" + metrics);
      assertFalse(metrics.contains("raft_messages_received_total{node=\"" + member.id + "\",peer=\"n3\"}"),
          "a Raft message of the intruder reached " + member.id + ":\n" + metrics);
    }
    // The evidence is in the log of whichever side started the connection: the intruder is told
    // its certificate is refused (certificate_unknown), or a member fails to verify the intruder's.
    String memberLogs = Files.readString(n1.log()) + Files.readString(n2.log());
    String intruderLog = Files.readString(intruder.log());
    assertTrue(memberLogs.contains("SSLHandshakeException") || intruderLog.contains("certificate_unknown")
        || intruderLog.contains("bad_certificate"), "no failed TLS handshake was logged:\n" + intruderLog);
    intruder.kill();

    // The real n3, with a certificate from our CA, joins and catches up.
    NodeProcess n3 = node("n3", members, raft[2], resp[2], keys.resolve("n3.p12"), trust);
    n3.start();
    n3.awaitServing(Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, String> joined = Map.of();
    while (System.nanoTime() < deadline) {
      joined = n3.infoRaft();
      if (!joined.getOrDefault("leader_id", "").isEmpty() && Long.parseLong(joined.get("last_applied")) >= 3) break;
      Thread.sleep(100);
    }
    assertTrue(List.of("n1", "n2").contains(joined.get("leader_id")), "n3 joined: " + joined);
    try (Jedis j3 = n3.client()) {
      j3.sendCommand(() -> "READCONSISTENCY".getBytes(), "stale");
      assertEquals("2", j3.get("tls:b"), "n3's own state has the writes made before it joined");
    }
  }
}
