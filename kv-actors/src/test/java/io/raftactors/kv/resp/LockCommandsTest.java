package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/** LOCK, UNLOCK, RENEW, FENCEDSET, DELIFEQ and DELEX over RESP (public contract). */
class LockCommandsTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  private static Jedis connect(String node) {
    return new Jedis("127.0.0.1", NODES.port(node), 20_000);
  }

  private static ProtocolCommand command(String name) {
    return () -> SafeEncoder.encode(name);
  }

  private static Object send(Jedis j, String name, String... args) {
    Object r = j.sendCommand(command(name), args);
    return r instanceof byte[] b ? SafeEncoder.encode(b) : r;
  }

  private static long queued(Jedis j, String lock) {
    return j.keys("__lock/" + lock + "/*").size();
  }

  @Test
  void lockRenewUnlockWithGrowingTokens() {
    try (Jedis a = connect("n1"); Jedis b = connect("n2")) {
      long token = (Long) send(a, "LOCK", "plain", "10000");
      assertTrue(token > 0);
      assertNull(send(b, "LOCK", "plain", "10000"), "held: no WAIT, no lock");
      assertEquals(0L, send(b, "UNLOCK", "plain", String.valueOf(token + 1)));
      assertEquals(0L, send(b, "RENEW", "plain", String.valueOf(token + 1), "5000"));
      assertEquals(1L, send(a, "RENEW", "plain", String.valueOf(token), "20000"));
      long ttl = a.pttl("__lock/plain/" + String.format("%020d", token));
      assertTrue(ttl > 10_000 && ttl <= 20_000, "renewed to 20 s: " + ttl);
      assertEquals(1L, send(a, "UNLOCK", "plain", String.valueOf(token)));
      assertEquals(0L, send(a, "UNLOCK", "plain", String.valueOf(token)), "released once");
      long next = (Long) send(b, "LOCK", "plain", "10000");
      assertTrue(next > token);
      assertEquals(1L, send(b, "UNLOCK", "plain", String.valueOf(next)));
    }
  }

  @Test
  void aWaitingLockIsGrantedOnReleaseOrGivesUpAfterItsWait() throws Exception {
    try (Jedis a = connect("n1"); Jedis b = connect("n2"); Jedis c = connect("n3")) {
      long first = (Long) send(a, "LOCK", "w", "10000");
      long started = System.nanoTime();
      assertNull(send(c, "LOCK", "w", "10000", "WAIT", "300"));
      assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "it waited");
      assertEquals(1, queued(a, "w"), "the waiter that gave up left the queue");
      CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> send(b, "LOCK", "w", "10000", "WAIT", "15000"));
      RespNodes.awaitCondition("the waiter to queue", Duration.ofSeconds(10), () -> queued(a, "w") == 2);
      send(a, "UNLOCK", "w", String.valueOf(first));
      long second = (Long) waiting.get(15, TimeUnit.SECONDS);
      assertTrue(second > first);
      long ttl = a.pttl("__lock/w/" + String.format("%020d", second));
      assertTrue(ttl > 5_000 && ttl <= 10_000, "a granted waiter holds for its TTL from the grant: " + ttl);
      assertEquals(1L, send(b, "UNLOCK", "w", String.valueOf(second)));
    }
  }

  @Test
  void anExpiredLockPassesOnAndAClosedConnectionLeavesTheQueue() throws Exception {
    try (Jedis a = connect("n1"); Jedis b = connect("n2")) {
      long first = (Long) send(a, "LOCK", "x", "400");
      long second = (Long) send(b, "LOCK", "x", "10000", "WAIT", "10000");
      assertTrue(second > first, "the first holder's TTL ended");
      assertEquals(0L, send(a, "RENEW", "x", String.valueOf(first), "1000"), "an expired holder cannot renew");
      try (RawClient raw = new RawClient(NODES.port("n3"))) {
        raw.send("*5\r\n$4\r\nLOCK\r\n$1\r\nx\r\n$5\r\n10000\r\n$4\r\nWAIT\r\n$5\r\n20000\r\n");
        RespNodes.awaitCondition("the raw waiter to queue", Duration.ofSeconds(10), () -> queued(a, "x") == 2);
      }
      RespNodes.awaitCondition("the closed connection's waiter to leave the queue", Duration.ofSeconds(10),
          () -> queued(a, "x") == 1);
      assertEquals(1L, send(b, "UNLOCK", "x", String.valueOf(second)));
    }
  }

  @Test
  void fencedSetRefusesOlderTokens() {
    try (Jedis a = connect("n1"); Jedis b = connect("n3")) {
      assertEquals("OK", send(a, "FENCEDSET", "f:res", "v7", "7"));
      assertEquals("OK", send(b, "FENCEDSET", "f:res", "v9", "9"));
      JedisDataException stale = assertThrows(JedisDataException.class, () -> send(a, "FENCEDSET", "f:res", "v8", "8"));
      assertTrue(stale.getMessage().startsWith("FENCED"), stale.getMessage());
      assertEquals("v9", a.get("f:res"));
      a.del("f:res");
      assertThrows(JedisDataException.class, () -> send(a, "FENCEDSET", "f:res", "v8", "8"), "the fence outlives the key");
      JedisDataException notInt = assertThrows(JedisDataException.class, () -> send(a, "FENCEDSET", "f:res", "v", "x"));
      assertTrue(notInt.getMessage().startsWith("ERR"), notInt.getMessage());
    }
  }

  @Test
  void conditionalDeletes() {
    try (Jedis a = connect("n2")) {
      a.set("d:lock", "me");
      assertEquals(0L, send(a, "DELIFEQ", "d:lock", "you"));
      assertEquals(1L, send(a, "DELIFEQ", "d:lock", "me"));
      assertEquals(0L, send(a, "DELIFEQ", "d:lock", "me"));
      a.set("d:lock", "me");
      assertEquals(0L, send(a, "DELEX", "d:lock", "IFNE", "me"));
      assertEquals(0L, send(a, "DELEX", "d:lock", "IFEQ", "you"));
      assertEquals(1L, send(a, "DELEX", "d:lock", "IFEQ", "me"));
      a.set("d:lock", "me");
      assertEquals(1L, send(a, "DELEX", "d:lock", "IFNE", "you"));
      a.set("d:lock", "me");
      assertEquals(1L, send(a, "DELEX", "d:lock"));
      assertThrows(JedisDataException.class, () -> send(a, "DELEX", "d:lock", "IFDEQ", "abc"));
    }
  }

  @Test
  void badArgumentsGetClearErrors() {
    try (Jedis a = connect("n1")) {
      for (String[] args : new String[][] {{"LOCK", "n"}, {"LOCK", "n", "0"}, {"LOCK", "n", "10", "WAIT"},
          {"LOCK", "n", "10", "HOLD", "5"}, {"LOCK", "n", "10", "WAIT", "-1"}, {"UNLOCK", "n", "x"},
          {"RENEW", "n", "1", "0"}, {"DELIFEQ", "k"}, {"LOCK", "n", "9223372036854775807"},
          {"LOCK", "n", "10", "WAIT", "999999999999"}, {"SET", "k", "v", "EX", "18446744073709552"},
          {"SET", "k", "v", "PX", "9223372036854775807"}}) {
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        JedisDataException e = assertThrows(JedisDataException.class, () -> send(a, args[0], rest),
            String.join(" ", args));
        assertTrue(e.getMessage().startsWith("ERR"), String.join(" ", args) + ": " + e.getMessage());
      }
    }
  }
}
