package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** EVAL, EVALSHA and SCRIPT through Jedis, unchanged, against a 3-node cluster. */
class ScriptCommandsTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  static final String UNLOCK =
      "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"del\",KEYS[1]) else return 0 end";

  /** Redisson's lock script in its shape, on a string key: take, re-enter (refresh), or report the TTL left. */
  static final String TRY_LOCK = "if (redis.call('exists', KEYS[1]) == 0) then "
      + "redis.call('set', KEYS[1], ARGV[2]); redis.call('pexpire', KEYS[1], ARGV[1]); return nil; end; "
      + "if (redis.call('get', KEYS[1]) == ARGV[2]) then redis.call('pexpire', KEYS[1], ARGV[1]); return nil; end; "
      + "return redis.call('pttl', KEYS[1]);";

  private static Jedis connect(String node) {
    return new Jedis("127.0.0.1", NODES.port(node), 20_000);
  }

  @Test
  void theSafeReleasePatternAndARedissonStyleLock() {
    try (Jedis a = connect("n1"); Jedis b = connect("n2")) {
      assertEquals("OK", a.set("sc:lock", "token-a", new redis.clients.jedis.params.SetParams().nx().px(10_000)));
      assertEquals(0L, b.eval(UNLOCK, List.of("sc:lock"), List.of("token-b")));
      assertEquals("token-a", b.get("sc:lock"));
      assertEquals(1L, a.eval(UNLOCK, List.of("sc:lock"), List.of("token-a")));
      assertNull(b.get("sc:lock"));

      assertNull(a.eval(TRY_LOCK, List.of("sc:rlock"), List.of("30000", "owner-a")), "taken");
      assertNull(a.eval(TRY_LOCK, List.of("sc:rlock"), List.of("30000", "owner-a")), "re-entered");
      long left = (Long) b.eval(TRY_LOCK, List.of("sc:rlock"), List.of("30000", "owner-b"));
      assertTrue(left > 20_000 && left <= 30_000, "the other owner learns the TTL left: " + left);
    }
  }

  @Test
  void evalshaScriptLoadExistsAndFlush() {
    try (Jedis a = connect("n1"); Jedis c = connect("n3")) {
      String sha = a.scriptLoad("return {KEYS[1], ARGV[1], 7}");
      assertEquals(List.of("k", "v", 7L), c.evalsha(sha, List.of("k"), List.of("v")), "known on every node");
      assertEquals(List.of(true, false), c.scriptExists(sha, "0000000000000000000000000000000000000000"));
      JedisDataException none = assertThrows(JedisDataException.class, () -> c.evalsha("ffff", 0));
      assertTrue(none.getMessage().startsWith("NOSCRIPT"), none.getMessage());
      assertEquals("OK", a.scriptFlush());
      JedisDataException gone = assertThrows(JedisDataException.class, () -> c.evalsha(sha, 0));
      assertTrue(gone.getMessage().startsWith("NOSCRIPT"), gone.getMessage());
    }
  }

  @Test
  void untrustedScriptsAreSandboxedAndLimitedAndChangeNothing() {
    try (Jedis a = connect("n2")) {
      for (String escape : List.of("return os.execute('touch /tmp/pwned')", "return io.open('/etc/passwd'):read('*a')",
          "return require('io')", "return loadstring('return 1')()", "return string.dump(print)")) {
        JedisDataException e = assertThrows(JedisDataException.class, () -> a.eval(escape), escape);
        assertTrue(e.getMessage().startsWith("ERR"), escape + ": " + e.getMessage());
      }
      assertFalse(new java.io.File("/tmp/pwned").exists());
      a.set("sc:untouched", "before");
      JedisDataException loop = assertThrows(JedisDataException.class,
          () -> a.eval("redis.call('set', KEYS[1], 'after') while true do end", List.of("sc:untouched"), List.of()));
      assertTrue(loop.getMessage().contains("instructions"), loop.getMessage());
      JedisDataException bomb = assertThrows(JedisDataException.class,
          () -> a.eval("redis.call('set', KEYS[1], 'after') return string.rep('x', 2^40)", List.of("sc:untouched"),
              List.of()));
      assertTrue(bomb.getMessage().contains("bytes allocated"), bomb.getMessage());
      assertEquals("before", a.get("sc:untouched"), "a failed script changed nothing");
      JedisDataException numKeys = assertThrows(JedisDataException.class, () -> a.sendCommand(
          redis.clients.jedis.Protocol.Command.EVAL, "return 1", "2", "onlyone"));
      assertTrue(numKeys.getMessage().contains("greater than number of args"), numKeys.getMessage());
    }
  }

  @Test
  void everyReplicaGetsTheSameResult() throws Exception {
    try (Jedis a = connect("n1")) {
      String script = "local n = redis.call('incr', KEYS[1]) local t = {} for i = 1, n do t[i] = i * n end "
          + "redis.call('set', KEYS[2], table.concat(t, ',') .. ' ' .. tostring({})) return n";
      for (int i = 0; i < 5; i++) a.eval(script, List.of("sc:n", "sc:derived"), List.of());
      String expected = a.get("sc:derived");
      assertEquals("5,10,15,20,25 table: 1", expected);
      for (String node : List.of("n1", "n2", "n3")) {
        try (Jedis r = connect(node)) {
          r.sendCommand(() -> "READCONSISTENCY".getBytes(), "STALE");
          RespNodes.awaitCondition(node + " to hold " + expected, java.time.Duration.ofSeconds(10),
              () -> expected.equals(r.get("sc:derived")));
        }
      }
    }
  }
}
