package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Hash commands through Jedis, and Redisson's lock scripts (they keep owners in a hash) through EVAL. */
class HashCommandsTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  /** Redisson's RedissonLock scripts: take or re-enter, release, renew. */
  static final String LOCK = "if ((redis.call('exists', KEYS[1]) == 0) or (redis.call('hexists', KEYS[1], ARGV[2]) == 1)) then "
      + "redis.call('hincrby', KEYS[1], ARGV[2], 1); redis.call('pexpire', KEYS[1], ARGV[1]); return nil; end; "
      + "return redis.call('pttl', KEYS[1]);";
  static final String UNLOCK = "if (redis.call('hexists', KEYS[1], ARGV[3]) == 0) then return nil; end; "
      + "local counter = redis.call('hincrby', KEYS[1], ARGV[3], -1); "
      + "if (counter > 0) then redis.call('pexpire', KEYS[1], ARGV[2]); return 0; "
      + "else redis.call('del', KEYS[1]); redis.call(ARGV[4], KEYS[2], ARGV[1]); return 1; end; return nil;";
  static final String RENEW = "if (redis.call('hexists', KEYS[1], ARGV[2]) == 1) then "
      + "redis.call('pexpire', KEYS[1], ARGV[1]); return 1; end; return 0;";

  private static Jedis connect(String node) {
    return new Jedis("127.0.0.1", NODES.port(node), 20_000);
  }

  @Test
  void hashCommandsAndWrongType() {
    try (Jedis a = connect("n1"); Jedis b = connect("n2")) {
      assertEquals(2L, a.hset("hc:user", Map.of("name", "ada", "visits", "1")));
      assertEquals("ada", b.hget("hc:user", "name"));
      assertEquals(11L, a.hincrBy("hc:user", "visits", 10));
      assertEquals(Map.of("name", "ada", "visits", "11"), b.hgetAll("hc:user"));
      assertEquals(Arrays.asList("ada", null), b.hmget("hc:user", "name", "nope"));
      assertEquals(2L, b.hlen("hc:user"));
      assertTrue(b.hexists("hc:user", "name"));
      assertEquals(0L, a.hsetnx("hc:user", "name", "bob"));
      assertEquals("hash", b.type("hc:user"));
      JedisDataException wrong = assertThrows(JedisDataException.class, () -> b.get("hc:user"));
      assertTrue(wrong.getMessage().startsWith("WRONGTYPE"), wrong.getMessage());
      assertThrows(JedisDataException.class, () -> a.incr("hc:user"));
      a.set("hc:string", "x");
      JedisDataException wrong2 = assertThrows(JedisDataException.class, () -> a.hset("hc:string", "f", "v"));
      assertTrue(wrong2.getMessage().startsWith("WRONGTYPE"), wrong2.getMessage());
      assertEquals(Arrays.asList("x", null), b.mget("hc:string", "hc:user"), "MGET gives nil for a hash");
      assertEquals(2L, a.hdel("hc:user", "name", "visits"));
      assertFalse(b.exists("hc:user"), "the last field took the key with it");
      assertEquals(0L, a.publish("channel", "nobody listens"));
      a.hset("hc:h", "f", "v");
      redis.clients.jedis.Transaction t = a.multi();
      t.set("hc:side", "x");
      t.getSet("hc:h", "y");
      JedisDataException refused = assertThrows(JedisDataException.class, t::exec);
      assertTrue(refused.getMessage().startsWith("WRONGTYPE"), refused.getMessage());
      assertFalse(a.exists("hc:side"), "the transaction applied nothing");
    }
  }

  @Test
  void redissonsLockScriptsRunUnchanged() {
    try (Jedis a = connect("n1"); Jedis b = connect("n3")) {
      List<String> keys = List.of("hc:lock", "redisson_lock__channel:{hc:lock}");
      assertNull(a.eval(LOCK, List.of(keys.get(0)), List.of("30000", "owner-a:1")), "taken");
      assertNull(a.eval(LOCK, List.of(keys.get(0)), List.of("30000", "owner-a:1")), "re-entered");
      long left = (Long) b.eval(LOCK, List.of(keys.get(0)), List.of("30000", "owner-b:1"));
      assertTrue(left > 25_000 && left <= 30_000, "another owner gets the TTL left: " + left);
      assertEquals(1L, a.eval(RENEW, List.of(keys.get(0)), List.of("30000", "owner-a:1")));
      assertNull(b.eval(UNLOCK, keys, List.of("0", "30000", "owner-b:1", "publish")), "not the owner");
      assertEquals(0L, a.eval(UNLOCK, keys, List.of("0", "30000", "owner-a:1", "publish")), "held once more");
      assertEquals(1L, a.eval(UNLOCK, keys, List.of("0", "30000", "owner-a:1", "publish")), "released");
      assertNull(b.eval(LOCK, List.of(keys.get(0)), List.of("30000", "owner-b:1")), "now the other owner's");
    }
  }
}
