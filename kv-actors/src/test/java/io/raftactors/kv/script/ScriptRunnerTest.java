package io.raftactors.kv.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.util.ByteString;
import io.raftactors.kv.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Lua sandbox, its limits and Redis's conversions, on a toy command set (GET, SET, INCR). */
class ScriptRunnerTest {
  final Map<String, String> store = new HashMap<>();
  static final ScriptLimits SMALL = new ScriptLimits(200_000, 1024 * 1024);

  final ScriptRunner.Commands commands = (name, args) -> ScriptRunner.Result.of(toy(name, args));

  ByteString toy(String name, List<byte[]> args) {
    String key = args.size() > 1 ? new String(args.get(1), StandardCharsets.UTF_8) : "";
    return switch (name) {
      case "GET" -> store.containsKey(key) ? bulk(store.get(key)) : ByteString.fromString("$-1\r\n");
      case "SET" -> {
        store.put(key, new String(args.get(2), StandardCharsets.UTF_8));
        yield ByteString.fromString("+OK\r\n");
      }
      case "INCR" -> {
        try {
          long v = Long.parseLong(store.getOrDefault(key, "0")) + 1;
          store.put(key, Long.toString(v));
          yield ByteString.fromString(":" + v + "\r\n");
        } catch (NumberFormatException e) {
          yield ByteString.fromString("-ERR value is not an integer or out of range\r\n");
        }
      }
      default -> ByteString.fromString("-ERR Unknown Redis command called from script\r\n");
    };
  }

  static ByteString bulk(String s) {
    return ByteString.fromString("$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n");
  }

  ScriptRunner.Outcome run(String script, List<String> keys, List<String> args, ScriptLimits limits) {
    Bytes source = Bytes.of(script);
    return ScriptRunner.run(source, ScriptRunner.sha1(source), keys.stream().map(Bytes::of).toList(),
        args.stream().map(Bytes::of).toList(), limits, commands);
  }

  String reply(String script, String... args) {
    return run(script, List.of("k1", "k2"), List.of(args), ScriptLimits.DEFAULT).reply().utf8String();
  }

  String failure(String script, ScriptLimits limits) {
    ScriptRunner.Outcome o = run(script, List.of(), List.of(), limits);
    assertTrue(o.failed(), "expected a failure, got " + o.reply().utf8String());
    assertTrue(o.reply().utf8String().startsWith("-"), o.reply().utf8String());
    return o.reply().utf8String();
  }

  @Test
  void convertsValuesAsRedisDoes() {
    assertEquals(":3\r\n", reply("return 3.9"));
    assertEquals("$2\r\nhi\r\n", reply("return 'hi'"));
    assertEquals("$-1\r\n", reply("return nil"));
    assertEquals("$-1\r\n", reply("return false"));
    assertEquals(":1\r\n", reply("return true"));
    assertEquals("*3\r\n:1\r\n$1\r\na\r\n*1\r\n:2\r\n", reply("return {1, 'a', {2}, nil, 5}"));
    assertEquals("+fine\r\n", reply("return redis.status_reply('fine')"));
    assertEquals("-MY bad\r\n", reply("return redis.error_reply('MY bad')"));
    assertEquals("*2\r\n$2\r\nk1\r\n$1\r\nx\r\n", reply("return {KEYS[1], ARGV[1]}", "x"));
    assertEquals("$40\r\n" + ScriptRunner.sha1(Bytes.of("abc")) + "\r\n", reply("return redis.sha1hex('abc')"));
  }

  @Test
  void callRaisesCommandErrorsAndPcallReturnsThem() {
    assertEquals("+OK\r\n", reply("return redis.call('set', KEYS[1], 'v')"));
    assertEquals("$1\r\nv\r\n", reply("return redis.call('GET', KEYS[1])"));
    ScriptRunner.Outcome raised = run("return redis.call('incr', KEYS[1])", List.of("k1"), List.of(), ScriptLimits.DEFAULT);
    assertTrue(raised.failed());
    assertTrue(raised.reply().utf8String().startsWith("-ERR value is not an integer"), raised.reply().utf8String());
    assertEquals("$11\r\ncaught: ERR\r\n",
        reply("local r = redis.pcall('incr', KEYS[1]) return 'caught: ' .. string.sub(r.err, 1, 3)"));
    assertEquals("$5\r\nfalse\r\n", reply("return tostring(redis.call('get', 'missing'))"));
    assertTrue(failure("return redis.call('get', {})", ScriptLimits.DEFAULT).contains("must be strings or integers"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"return os.execute('id')", "return io.open('/etc/passwd')", "return require('os')",
      "return load('return 1')()", "return loadstring('return 1')()", "return dofile('/etc/passwd')",
      "return debug.getinfo(1)", "return package.loaded", "return luajava.bindClass('java.lang.System')",
      "return string.dump(function() end)", "return math.random()", "return collectgarbage('count')",
      "return coroutine.create(function() end)", "print('x')", "x = 1", "return getmetatable('').__index",
      "return loadfile('/etc/passwd')", "return module('x')"})
  void theSandboxHasNoWayOut(String script) {
    String r = failure(script, ScriptLimits.DEFAULT);
    assertFalse(r.contains("root"), r);
  }

  @Test
  void oneScriptCannotChangeWhatTheNextSees() {
    assertEquals("$-1\r\n", reply("string.rep = nil; table.insert = nil; return nil"));
    assertEquals("$3\r\nxxx\r\n", reply("return string.rep('x', 3)"));
    assertEquals("$3\r\nxxx\r\n", reply("return ('x'):rep(3)"));
    assertEquals("$8\r\ntable: 1\r\n", reply("return tostring({})"), "no JVM identity hash in the output");
  }

  @Test
  void infiniteLoopsStopAtTheInstructionLimitEvenInsidePcall() {
    assertTrue(failure("while true do end", SMALL).contains("instructions"));
    assertTrue(failure("while true do pcall(function() while true do end end) end", SMALL).contains("instructions"));
    assertTrue(failure("local function f() return f() end return f()", SMALL).contains("instructions"));
  }

  @Test
  void memoryBombsStopAtTheMemoryLimitBeforeTheyAllocate() {
    assertTrue(failure("return string.rep('x', 1e9)", SMALL).contains("bytes allocated"));
    assertTrue(failure("return ('x'):rep(1e9)", SMALL).contains("bytes allocated"));
    assertTrue(failure("return string.rep('x', 2^40)", SMALL).contains("bytes allocated"));
    assertTrue(failure("local s = 'x' for i = 1, 40 do s = s .. s end return #s", SMALL).contains("bytes allocated"));
    assertTrue(failure("local t = {} for i = 1, 1e7 do t[i] = i end", SMALL).contains("bytes allocated"));
    assertTrue(failure("return unpack({}, 1, 1e8)", SMALL).contains("bytes allocated"));
    assertTrue(failure("local s = string.rep('x', 1000) return string.gsub(s, 'x', s)", SMALL)
        .contains("bytes allocated"));
    assertTrue(failure("local t = {} for i = 1, 100 do t[i] = string.rep('y', 10000) end "
        + "return table.concat(t, string.rep('z', 100000))", SMALL).contains("bytes allocated"));
  }

  @Test
  void catastrophicPatternsAreRefusedBeforeTheyRun() {
    assertTrue(failure("return string.find(string.rep('a', 5000), '.-.-.-.-b')", SMALL).contains("pattern match"));
    assertEquals(":5\r\n", reply("return (string.find('hello world', 'o w'))"));
  }

  @Test
  void deepRecursionIsACatchableStackOverflow() {
    String r = reply("local function f(n) return 1 + f(n + 1) end "
        + "local ok, err = pcall(f, 1) return {tostring(ok), string.find(err, 'stack overflow') ~= nil}");
    assertEquals("*2\r\n$5\r\nfalse\r\n:1\r\n", r, r);
  }

  @Test
  void compileErrorsAndRuntimeErrorsAreReportedAsRedisDoes() {
    for (String[] c : new String[][] {{"return (", "-ERR Error compiling script"}, {"error('boom')", "boom"},
        {"return nosuch", "nonexistent global variable 'nosuch'"}, {"\u001bLua", "binary chunks"}}) {
      String r = failure(c[0], ScriptLimits.DEFAULT);
      assertTrue(r.contains(c[1]), c[0] + " gave " + r);
    }
  }

  @Test
  void lua51NamesThatRedisScriptsUse() {
    assertEquals("*4\r\n:3\r\n:9\r\n:1\r\n$1\r\nb\r\n",
        reply("local t = {1, 2, 3} t[9] = 1 return {table.getn(t), table.maxn(t), math.mod(7, 3), "
            + "string.gfind('ab', 'b')()}"));
  }

  @Test
  void cjsonAndBitAsRedisHasThem() {
    assertEquals("*4\r\n$14\r\n[1,2.5,\"x\\/y\"]\r\n$4\r\ntrue\r\n:2\r\n$4\r\ntrue\r\n", reply(
        "local t = cjson.decode('{\"a\":[1,2.5,\"x/y\"],\"b\":true}') "
            + "return {cjson.encode(t.a), tostring(t.b), t.a[1] + 1, tostring(cjson.decode('null') == cjson.null)}"));
    assertEquals("$2\r\n{}\r\n", reply("return cjson.encode({})"));
    assertTrue(failure("return cjson.decode('{\"a\":')", ScriptLimits.DEFAULT).contains("Expected value"));
    assertTrue(failure("local t = {} t.self = t return cjson.encode(t)", ScriptLimits.DEFAULT).contains("nesting"));
    assertEquals("*6\r\n:1\r\n:12\r\n:-1\r\n:256\r\n$8\r\n000000ff\r\n:2147483647\r\n", reply(
        "return {bit.band(3, 5), bit.bor(3, 5) + bit.bxor(3, 5) - 1, bit.bnot(0), bit.lshift(1, 8), "
            + "bit.tohex(255), bit.rshift(-1, 1)}"));
  }

  @Test
  void nothingAScriptDoesDependsOnTheJvm() {
    assertTrue(failure("setmetatable({}, {__mode = 'k'})", ScriptLimits.DEFAULT).contains("weak tables"));
    assertTrue(failure("local t = {} t[{}] = 1", ScriptLimits.DEFAULT).contains("cannot be a table key"));
    assertTrue(failure("local t = {[true] = 1}", ScriptLimits.DEFAULT).contains("cannot be a table key"));
    assertTrue(failure("rawset({}, function() end, 1)", ScriptLimits.DEFAULT).contains("cannot be a table key"));
    String r = failure("error({})", ScriptLimits.DEFAULT);
    assertTrue(r.contains("error object is a table value") && !r.matches(".*[0-9a-f]{6,}.*script.*") , r);
    assertEquals("$8\r\ntable: 1\r\n", reply("return string.format('%s', {})"));
    String global = reply("local ok, e = pcall(function() return _G[{}] end) return e");
    assertTrue(global.contains("(a table value)"), global);
  }

  @Test
  void workInJavaIsChargedToo() {
    assertTrue(failure("local s = string.rep('a', 500000) while true do local _ = s < s end", SMALL)
        .contains("comparing strings"));
    assertTrue(failure("local t = {} for i = 1, 20000 do t[i] = i end while true do table.insert(t, 1, 0) end", SMALL)
        .contains("instructions"));
    assertTrue(failure("return string.find(('a'):rep(40), ('a?'):rep(40) .. ('a'):rep(40))", SMALL)
        .contains("pattern match"));
    assertTrue(failure("local s = string.rep('x', 400000) for i = 1, 10 do redis.call('set', 'k' .. i, s) end", SMALL)
        .contains("bytes allocated"), "what redis.call is given counts");
    assertTrue(failure("return string.byte(string.rep('x', 100000), 1, -1)", SMALL).contains("bytes allocated"));
  }

  @Test
  void javaFramesAreBoundedLikeLuaFrames() {
    String r = reply("local f = function() return 1 end local args = {} for i = 1, 1000 do args[i] = pcall end "
        + "args[1001] = f local ok, err = pcall(unpack(args)) return tostring(ok)");
    assertEquals("$4\r\ntrue\r\n", r, "the outer pcall returns; the Java stack stays bounded");
  }

  @Test
  void secondReviewEscapesAreClosed() {
    String blowup = failure("local t = {1} for i = 1, 60 do t = {t, t} end return t", SMALL);
    assertTrue(blowup.contains("building the reply") || blowup.contains("bytes allocated"), blowup);
    assertTrue(failure("return string.match(string.rep('a', 3000), '(.-)(.-)(.-)(.-)b', 1, true)", SMALL)
        .contains("pattern match"), "match has no plain flag");
    assertTrue(failure("return string.find(string.rep('a', 100000), string.rep('a', 5000) .. 'b', 1, true)", SMALL)
        .contains("plain find"));
    assertTrue(failure("local t = {} local function f() t[true] = 1 end f()", ScriptLimits.DEFAULT)
        .contains("cannot be a table key"), "a store into an upvalue's table is checked too");
    assertTrue(failure("local t = {} local mt = {} setmetatable(t, mt) mt.__call = t return t()", ScriptLimits.DEFAULT)
        .contains("__call must be a function"));
    String r = reply("local t = setmetatable({}, {__tostring = tostring}) return (pcall(tostring, t))");
    assertEquals("$-1\r\n", r, "tostring recursing through __tostring stops at the depth limit: " + r);
    assertEquals("*2\r\n$8\r\nffffffff\r\n:2\r\n", reply("return {bit.tohex(-1, -2^31):lower(), bit.tobit(1.5)}"));
  }

  @Test
  void cjsonPassesUtf8Through() {
    ScriptRunner.Outcome o = run("return cjson.encode({ARGV[1]})", List.of(), List.of("\uD83D\uDE00"), ScriptLimits.DEFAULT);
    byte[] emoji = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
    String expected = "$" + (emoji.length + 4) + "\r\n[\"" + "\uD83D\uDE00" + "\"]\r\n";
    assertEquals(expected, o.reply().utf8String());
  }

  @Test
  void xpcallCallsItsHandler() {
    assertEquals("*2\r\n$5\r\nfalse\r\n$7\r\nhandled\r\n",
        reply("local ok, v = xpcall(function() error('x') end, function(e) return 'handled' end) return {tostring(ok), v}"));
  }

  @Test
  void theSafeReleasePattern() {
    String unlock = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    store.put("k1", "token-a");
    assertEquals(":0\r\n", reply(unlock, "token-b"));
  }
}
