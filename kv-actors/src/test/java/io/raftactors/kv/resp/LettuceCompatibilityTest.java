package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lettuce, unchanged, against a 3-node cluster with a password: Lettuce opens with
 * {@code HELLO 3 AUTH default <password>}, falls back to RESP2 on {@code -NOPROTO} and then
 * authenticates with {@code AUTH}.
 */
class LettuceCompatibilityTest {
  static final String PASSWORD = "s3cret-for-tests";
  @RegisterExtension static final RespNodes NODES =
      new RespNodes(ConfigFactory.parseString("kv.resp.password = \"" + PASSWORD + "\""));
  static final RedisClient CLIENT = RedisClient.create();

  @AfterAll
  static void shutdown() {
    CLIENT.shutdown(Duration.ZERO, Duration.ofSeconds(5));
  }

  private static StatefulRedisConnection<String, String> connect(int port) {
    return CLIENT.connect(RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(PASSWORD.toCharArray())
        .withTimeout(Duration.ofSeconds(10)).build());
  }

  @Test
  void syncCommandsWithAuthentication() {
    try (var c1 = connect(NODES.port("n1")); var c3 = connect(NODES.port("n3"))) {
      RedisCommands<String, String> n1 = c1.sync();
      RedisCommands<String, String> n3 = c3.sync();
      assertEquals("PONG", n1.ping());
      assertEquals("OK", n1.set("l:k", "v", SetArgs.Builder.nx().px(60_000)));
      assertEquals("v", n3.get("l:k"));
      assertTrue(n3.pttl("l:k") > 50_000);
      assertEquals(5L, n3.incrby("l:n", 5));
      assertEquals(List.of("l:k", "l:n"), n1.keys("l:*").stream().sorted().toList());
      RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> n1.incr("l:k"));
      assertEquals("ERR value is not an integer or out of range", e.getMessage());
    }
  }

  @Test
  void asyncPipelineWithManualFlush() throws Exception {
    try (var c = connect(NODES.followerPort())) {
      c.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> async = c.async();
      List<RedisFuture<Long>> incrs = new ArrayList<>();
      List<RedisFuture<String>> sets = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        sets.add(async.set("la:" + i, "v" + i));
        incrs.add(async.incr("la:count"));
      }
      c.flushCommands();
      for (int i = 0; i < 1000; i++) {
        assertEquals("OK", sets.get(i).get(30, TimeUnit.SECONDS));
        assertEquals(i + 1, incrs.get(i).get(30, TimeUnit.SECONDS), "replies in order");
      }
      c.setAutoFlushCommands(true);
      assertEquals("v999", async.get("la:999").get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void transactionsWithWatch() {
    try (var a = connect(NODES.port("n2")); var b = connect(NODES.port("n3"))) {
      RedisCommands<String, String> x = a.sync();
      x.set("lt:k", "1");
      x.watch("lt:k");
      x.multi();
      x.incr("lt:k");
      x.get("lt:k");
      TransactionResult ok = x.exec();
      assertEquals(List.of(2L, "2"), ok.stream().toList());
      x.watch("lt:k");
      b.sync().set("lt:k", "changed");
      x.multi();
      x.set("lt:k", "mine");
      assertTrue(x.exec().wasDiscarded(), "a watched key changed: nothing applied");
      assertEquals("changed", x.get("lt:k"));
    }
  }

  @Test
  void withoutAuthenticationEverythingButAuthHelloPingQuitIsRefused() throws Exception {
    try (RawClient raw = new RawClient(NODES.port("n1"))) {
      raw.send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
      assertEquals("-NOAUTH Authentication required.", raw.line());
      raw.send("PING\r\n");
      assertEquals("+PONG", raw.line());
      raw.send("AUTH wrong\r\n");
      assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", raw.line());
      raw.send("SET k v\r\n");
      assertEquals("-NOAUTH Authentication required.", raw.line());
      raw.send("AUTH " + PASSWORD + "\r\n");
      assertEquals("+OK", raw.line());
      raw.send("SET raw:k v\r\n");
      assertEquals("+OK", raw.line());
      raw.send("QUIT\r\n");
      assertEquals("+OK", raw.line());
      assertEquals(null, raw.line(), "QUIT closes the connection");
    }
  }
}
