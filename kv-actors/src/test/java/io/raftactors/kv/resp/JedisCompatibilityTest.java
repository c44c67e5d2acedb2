package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Jedis, unchanged, against a 3-node cluster: each test uses its own keys. */
class JedisCompatibilityTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  private static Jedis connect(int port) {
    return new Jedis("127.0.0.1", port, 10_000);
  }

  @Test
  @SuppressWarnings("deprecation") // GETSET is deprecated in Redis 6.2 but still what many clients send
  void stringsThroughAnyNode() throws Exception {
    try (Jedis n1 = connect(NODES.port("n1")); Jedis n2 = connect(NODES.port("n2"));
        Jedis n3 = connect(NODES.port("n3"))) {
      assertEquals("PONG", n1.ping());
      assertEquals("hi", n1.echo("hi"));
      assertEquals("OK", n1.select(0));
      assertEquals("OK", n1.set("s:greeting", "hello"));
      assertEquals("hello", n2.get("s:greeting"), "a linearizable read on another node sees the write");
      assertNull(n3.get("s:missing"));
      assertEquals(1, n3.incr("s:counter"));
      assertEquals(11, n1.incrBy("s:counter", 10));
      assertEquals(10, n2.decr("s:counter"));
      assertEquals(7, n3.decrBy("s:counter", 3));
      assertEquals("7", n1.get("s:counter"));
      assertEquals(8, n1.append("s:greeting", "!!!"));
      assertEquals("hello!!!", n2.get("s:greeting"));
      assertEquals(8, n2.strlen("s:greeting"));
      assertEquals("string", n3.type("s:greeting"));
      assertEquals("none", n3.type("s:missing"));
      assertEquals("hello!!!", n1.getSet("s:greeting", "bye"));
      assertEquals("OK", n1.mset("s:a", "1", "s:b", "2"));
      assertEquals(java.util.Arrays.asList("1", "2", null), n2.mget("s:a", "s:b", "s:nope"));
      assertEquals(2, n3.exists("s:a", "s:b", "s:nope"));
      assertEquals(2, n1.del("s:a", "s:b", "s:nope"));
      assertFalse(n2.exists("s:a"));
      JedisDataException notInt = assertThrows(JedisDataException.class, () -> n1.incr("s:greeting"));
      assertEquals("ERR value is not an integer or out of range", notInt.getMessage());
      JedisDataException unknown = assertThrows(JedisDataException.class,
          () -> n1.sendCommand(() -> "NOSUCHCOMMAND".getBytes(), "x"));
      assertTrue(unknown.getMessage().startsWith("ERR unknown command 'NOSUCHCOMMAND'"), unknown.getMessage());
    }
  }

  @Test
  void setOptionsAndSetnx() {
    try (Jedis j = connect(NODES.port("n2"))) {
      assertEquals("OK", j.set("o:k", "v1", SetParams.setParams().nx()));
      assertNull(j.set("o:k", "v2", SetParams.setParams().nx()), "NX on an existing key: nil");
      assertEquals("OK", j.set("o:k", "v2", SetParams.setParams().xx()));
      assertNull(j.set("o:absent", "v", SetParams.setParams().xx()), "XX on a missing key: nil");
      assertEquals("v2", j.setGet("o:k", "v3"));
      assertEquals(1, j.setnx("o:n", "x"));
      assertEquals(0, j.setnx("o:n", "y"));
      assertEquals("x", j.get("o:n"));
      assertEquals("OK", j.set("o:ttl", "v", SetParams.setParams().ex(100)));
      long ttl = j.ttl("o:ttl");
      assertTrue(ttl > 95 && ttl <= 100, "ttl " + ttl);
      assertEquals("OK", j.set("o:ttl", "w", SetParams.setParams().keepTtl()));
      assertTrue(j.pttl("o:ttl") > 90_000, "KEEPTTL keeps the expiry");
      assertEquals("OK", j.set("o:ttl", "z"));
      assertEquals(-1, j.ttl("o:ttl"), "a plain SET clears the expiry");
      assertEquals(-2, j.ttl("o:missing"));
      JedisDataException syntax = assertThrows(JedisDataException.class,
          () -> j.sendCommand(redis.clients.jedis.Protocol.Command.SET, "o:k", "v", "NX", "XX"));
      assertEquals("ERR syntax error", syntax.getMessage());
    }
  }

  @Test
  void expiry() throws Exception {
    try (Jedis j = connect(NODES.port("n3"))) {
      j.set("e:k", "v");
      // Long enough that PTTL and PERSIST, each a round through Raft, come before it on a slow machine.
      assertEquals(1, j.pexpire("e:k", 30_000));
      long pttl = j.pttl("e:k");
      assertTrue(pttl > 20_000 && pttl <= 30_000, "pttl in milliseconds: " + pttl);
      assertEquals(1, j.persist("e:k"));
      assertEquals(-1, j.ttl("e:k"));
      assertEquals(0, j.persist("e:k"), "no expiry to remove");
      assertEquals(0, j.expire("e:missing", 10));
      assertEquals(1, j.pexpire("e:k", 200));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (j.exists("e:k") && System.nanoTime() < deadline) Thread.sleep(50);
      assertFalse(j.exists("e:k"), "the key expired");
      j.set("e:p", "v", SetParams.setParams().px(150));
      Thread.sleep(400);
      assertNull(j.get("e:p"), "a read never returns an expired key");
    }
  }

  @Test
  void keysScanAndDbsize() {
    try (Jedis j = connect(NODES.port("n1"))) {
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 25; i++) {
        j.set("scan:" + i, "v");
        expected.add("scan:" + i);
      }
      j.set("scanx", "other");
      assertEquals(expected, j.keys("scan:*"));
      assertEquals(Set.of("scan:1", "scan:10", "scan:11", "scan:12", "scan:13", "scan:14", "scan:15", "scan:16",
          "scan:17", "scan:18", "scan:19"), j.keys("scan:1*"));
      assertEquals(Set.of("scan:3"), j.keys("scan:?3".replace("?", "")));
      Set<String> scanned = new HashSet<>();
      String cursor = ScanParams.SCAN_POINTER_START;
      int rounds = 0;
      do {
        ScanResult<String> page = j.scan(cursor, new ScanParams().match("scan:*").count(7));
        scanned.addAll(page.getResult());
        cursor = page.getCursor();
        rounds++;
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && rounds < 100);
      assertEquals(expected, scanned);
      assertTrue(rounds > 1, "COUNT pages the scan");
      assertTrue(j.dbSize() >= 26);
    }
  }

  @Test
  void pipelinedCommandsAnswerInOrder() throws Exception {
    try (Jedis j = connect(NODES.followerPort())) {
      Pipeline p = j.pipelined();
      List<Response<?>> responses = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        responses.add(p.set("p:" + (i % 50), Integer.toString(i)));
        responses.add(p.incr("p:count"));
        if (i % 10 == 0) responses.add(p.get("p:" + (i % 50)));
      }
      p.sync();
      long expectCount = 0;
      for (int i = 0, r = 0; i < 2000; i++) {
        assertEquals("OK", responses.get(r++).get());
        assertEquals(++expectCount, responses.get(r++).get(), "INCR replies in order");
        if (i % 10 == 0) assertEquals(Integer.toString(i), responses.get(r++).get(), "a read sees the write before it");
      }
      assertEquals("2000", j.get("p:count"));
    }
  }

  @Test
  void optimisticTransactions() {
    try (Jedis a = connect(NODES.port("n1")); Jedis b = connect(NODES.port("n2"))) {
      a.set("t:balance", "100");
      a.watch("t:balance");
      long balance = Long.parseLong(a.get("t:balance"));
      Transaction tx = a.multi();
      tx.set("t:balance", Long.toString(balance - 30));
      tx.incr("t:ops");
      List<Object> results = tx.exec();
      assertEquals(List.of("OK", 1L), results);
      assertEquals("70", b.get("t:balance"));

      a.watch("t:balance");
      b.set("t:balance", "0"); // another client changes the watched key
      Transaction lost = a.multi();
      lost.set("t:balance", "999");
      assertNull(lost.exec(), "EXEC after a watched key changed: nil, nothing applied");
      assertEquals("0", b.get("t:balance"));

      Transaction discarded = a.multi();
      discarded.set("t:balance", "1");
      assertEquals("OK", discarded.discard());
      assertEquals("0", a.get("t:balance"));

      Transaction bad = a.multi();
      bad.set("t:x", "1");
      Response<Long> r = bad.incr("t:balance");
      List<Object> mixed = bad.exec();
      assertEquals("OK", mixed.get(0));
      assertEquals(1L, r.get());
    }
  }

  @Test
  void infoRaftHasThePublicFields() {
    try (Jedis j = connect(NODES.port("n2"))) {
      String info = j.info("raft");
      for (String field : List.of("node_id:n2", "role:", "term:", "leader_id:n", "commit_index:", "last_applied:",
          "last_log_index:", "members:")) {
        assertTrue(info.contains("\r\n" + field) || info.contains("\n" + field), field + " missing in\n" + info);
      }
      assertTrue(info.matches("(?s).*role:(leader|follower)\r\n.*"), info);
      assertTrue(j.info("server").contains("redis_version:"));
      j.set("info:k", "v");
      assertTrue(j.info("keyspace").contains("db0:keys="));
      assertEquals("OK", new String((byte[]) j.sendCommand(() -> "READCONSISTENCY".getBytes(), "stale")));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!"v".equals(j.get("info:k")) && System.nanoTime() < deadline) Thread.onSpinWait();
      assertEquals("v", j.get("info:k"), "stale reads are served from the node's applied state");
      assertThrows(JedisDataException.class, () -> j.sendCommand(() -> "READCONSISTENCY".getBytes(), "sometimes"));
    }
  }

  @Test
  void infoRaftstatsHasTheJournalAndBatchHistograms() {
    for (int i = 0; i < 50; i++) {
      try (Jedis j = connect(NODES.port("n" + (1 + i % 3)))) {
        j.set("stats:" + i, "v");
      }
    }
    boolean leaderSeen = false;
    for (String node : List.of("n1", "n2", "n3")) {
      try (Jedis j = connect(NODES.port(node))) {
        java.util.Map<String, String> stats = fields(j.info("raftstats"));
        assertTrue(Long.parseLong(stats.get("raft_journal_entries_total")) >= 50, node + ": " + stats);
        assertTrue(Long.parseLong(stats.get("raft_journal_fsyncs_total")) > 0, node + ": " + stats);
        long fsyncs = histogramCount(stats.get("raft_journal_fsync_seconds"));
        assertTrue(fsyncs > 0, node + ": " + stats);
        assertTrue(histogramCount(stats.get("raft_journal_entries_per_fsync")) > 0, node + ": " + stats);
        if (j.info("raft").contains("role:leader")) {
          leaderSeen = true;
          assertTrue(histogramCount(stats.get("raft_append_entries_batch_entries")) > 0, node + ": " + stats);
        }
        assertTrue(j.info().contains("# Raftstats"), "INFO (all) has the section");
      }
    }
    assertTrue(leaderSeen, "one node is the leader");
  }

  private static java.util.Map<String, String> fields(String info) {
    java.util.Map<String, String> m = new java.util.HashMap<>();
    for (String line : info.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return m;
  }

  /** Checks {@code count=N,sum=S,le_B=C,...,le_inf=N}: cumulative counts, ending at the count; returns N. */
  private static long histogramCount(String value) {
    assertTrue(value != null && value.startsWith("count="), "histogram: " + value);
    String[] parts = value.split(",");
    long count = Long.parseLong(parts[0].substring("count=".length()));
    assertTrue(parts[1].startsWith("sum="), value);
    long previous = 0;
    for (int i = 2; i < parts.length; i++) {
      String[] kv = parts[i].split("=");
      assertTrue(kv[0].startsWith("le_"), value);
      long c = Long.parseLong(kv[1]);
      assertTrue(c >= previous, "cumulative: " + value);
      previous = c;
    }
    assertTrue(parts[parts.length - 1].startsWith("le_inf="), value);
    assertEquals(count, previous, value);
    return count;
  }
}
