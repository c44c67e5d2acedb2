package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.kv.script.ScriptRunner;
import io.raftactors.raft.CommittedCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scripts in the state machine: atomic, all or nothing, remembered for EVALSHA, in snapshots. */
class ScriptStateTest extends StateMachineHarness {
  KvResult.EvalResult eval(String script, List<String> keys, String... args) {
    return (KvResult.EvalResult) apply(new KvWrite.Eval(b(script), "", false, keys.stream().map(Bytes::of).toList(),
        List.of(args).stream().map(Bytes::of).toList(), ScriptLimits.DEFAULT.maxInstructions(), 1 << 20, false));
  }

  static String reply(KvResult.EvalResult r) {
    return new String(r.reply(), StandardCharsets.UTF_8);
  }

  @Test
  void aScriptReadsAndWritesAtomicallyUnderOneRevision() {
    apply(KvWrite.Put.of(b("a"), b("1")));
    KvResult.EvalResult r = eval("redis.call('set', KEYS[1], 'x') redis.call('incr', KEYS[2]) "
        + "redis.call('set', KEYS[3], 'y', 'PX', 500) return redis.call('mget', KEYS[1], KEYS[2], 'a')",
        List.of("k", "n", "t"));
    assertEquals("*3\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\n1\r\n", reply(r));
    assertEquals(2, r.revision(), "all of a script's changes share one revision");
    assertEquals(2, get("k").modRevision());
    assertEquals(2, get("n").modRevision());
    assertEquals(clock + 500, get("t").expiresAt(), "a TTL from the log's stamped clock");
    assertEquals(":500\r\n", reply(eval("return redis.call('pttl', KEYS[1])", List.of("t"))));
  }

  @Test
  void aFailingScriptChangesNothingWhateverItDidBefore() {
    apply(KvWrite.Put.of(b("kept"), b("before")));
    long lease = ((KvResult.LeaseResult) apply(new KvWrite.LeaseGrant(10_000))).lease();
    apply(new KvWrite.Put(b("leased"), b("v"), lease, 0, false, KvWrite.Condition.ALWAYS, false));
    apply(new KvWrite.Put(b("expiring"), b("v"), 0, 1000, false, KvWrite.Condition.ALWAYS, false));
    apply(new KvWrite.FencedPut(b("fenced"), b("v"), 5));
    events.clear();
    long revision = ((KvResult.GetResult) sm.read(new KvQuery.Get(b("kept")))).revision();
    for (String failing : List.of(
        "redis.call('set', 'kept', 'after') redis.call('del', 'leased') redis.call('persist', 'expiring') "
            + "redis.call('fencedset', 'fenced', 'w', '9') redis.call('set', 'new', 'x') error('boom')",
        "redis.call('set', 'kept', 'after') redis.call('incr', 'kept')",
        "redis.call('del', 'leased', 'expiring', 'kept') while true do end")) {
      KvResult.EvalResult r = eval(failing, List.of());
      assertTrue(r.failed(), reply(r));
      assertEquals("before", get("kept").value().utf8());
      assertEquals(lease, get("leased").lease());
      assertEquals(clock + 1000, get("expiring").expiresAt());
      assertNull(get("new"));
      assertTrue(events.isEmpty(), "no watch event from a failed script: " + events);
      assertEquals(revision, r.revision());
    }
    // The lease still ends its key, the expiry still fires, the fence is still 5.
    assertEquals(KvResult.Failure.Code.FENCED, ((KvResult.Failure) apply(new KvWrite.FencedPut(b("fenced"), b("x"), 4))).code());
    apply(new KvWrite.FencedPut(b("fenced"), b("x"), 6));
    clock += 2000;
    apply(new KvWrite.ExpireDue());
    assertNull(get("expiring"));
    apply(new KvWrite.LeaseRevoke(lease));
    assertNull(get("leased"));
  }

  @Test
  void scriptsAreRememberedForEvalshaAndForgottenByFlush() {
    String script = "return ARGV[1]";
    String sha = ScriptRunner.sha1(b(script));
    KvWrite.Eval bySha = new KvWrite.Eval(Bytes.EMPTY, sha, true, List.of(), List.of(b("hi")), 1_000_000, 1 << 20, false);
    assertTrue(reply((KvResult.EvalResult) apply(bySha)).startsWith("-NOSCRIPT"));
    eval(script, List.of(), "first");
    assertEquals("$2\r\nhi\r\n", reply((KvResult.EvalResult) apply(bySha)));
    apply(new KvWrite.ScriptFlush());
    assertTrue(reply((KvResult.EvalResult) apply(bySha)).startsWith("-NOSCRIPT"));
    assertEquals(sha, ((KvResult.ScriptResult) apply(new KvWrite.ScriptLoad(b(script)))).sha());
    assertEquals(List.of(true, false),
        ((KvResult.ScriptExistsResult) sm.read(new KvQuery.ScriptExists(List.of(sha, "0".repeat(40))))).exists());
    assertEquals("$2\r\nhi\r\n", reply((KvResult.EvalResult) apply(bySha)));
  }

  @Test
  void rememberedScriptsSurviveASnapshot() throws Exception {
    String sha = ((KvResult.ScriptResult) apply(new KvWrite.ScriptLoad(b("return 42")))).sha();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    KvStateMachine restored = new KvStateMachine(e -> {});
    restored.restore(new ByteArrayInputStream(out.toByteArray()));
    byte[] cmd = KvCodec.encode(new KvCodec.Command(null,
        new KvWrite.Eval(Bytes.EMPTY, sha, true, List.of(), List.of(), 1_000_000, 1 << 20, false)));
    KvResult r = KvCodec.decodeResult(restored.apply(new CommittedCommand(++index, 1, clock, cmd)));
    assertEquals(":42\r\n", reply((KvResult.EvalResult) r));
  }

  @Test
  void theStandardUnlockScriptRunsAsAConditionalDelete() {
    String unlock = "if redis.call(\"get\",KEYS[1]) == ARGV[1] then\n    return redis.call(\"del\",KEYS[1])\n"
        + "else\n    return 0\nend";
    apply(KvWrite.Put.of(b("lock"), b("me")));
    assertEquals(":0\r\n", reply(eval(unlock, List.of("lock"), "you")));
    assertEquals("me", get("lock").value().utf8());
    assertEquals(":1\r\n", reply(eval(unlock.replace('"', '\''), List.of("lock"), "me")));
    assertNull(get("lock"));
    assertEquals(":0\r\n", reply(eval(unlock, List.of("lock"), "me")));
    // Not the standard script (returns 2): the interpreter runs it.
    apply(KvWrite.Put.of(b("lock"), b("me")));
    assertEquals(":2\r\n", reply(eval(unlock.replace("return 0", "return 2"), List.of("lock"), "you")));
    assertFalse(get("lock") == null);
  }

  @Test
  void readOnlyScriptsCannotWriteAndAnErrorReplyIsNotARollback() {
    KvResult.EvalResult ro = (KvResult.EvalResult) apply(new KvWrite.Eval(b("return redis.call('set', 'k', 'v')"), "",
        false, List.of(), List.of(), 1_000_000, 1 << 20, true));
    assertTrue(ro.rolledBack() && reply(ro).contains("read-only"), reply(ro));
    assertNull(get("k"));
    KvResult.EvalResult r = eval("redis.call('set', 'k', 'v') return redis.error_reply('MY own error')", List.of());
    assertTrue(r.failed(), "an error reply");
    assertFalse(r.rolledBack(), "but the script did not fail: its write stands");
    assertEquals("v", get("k").value().utf8());
  }

  @Test
  void theStateMachineCapsTheLimitsACommandAsksFor() {
    KvResult.EvalResult r = (KvResult.EvalResult) apply(new KvWrite.Eval(b("return string.rep('x', 2^31)"), "", false,
        List.of(), List.of(), Long.MAX_VALUE, Long.MAX_VALUE, false));
    assertTrue(reply(r).contains("limit of " + ScriptLimits.MAX.maxMemoryBytes() + " bytes"), reply(r));
    assertTrue(r.rolledBack());
  }

  @Test
  void commandsAScriptMayNotRunAreErrors() {
    assertTrue(eval("return redis.call('lock', 'x', '100')", List.of()).failed());
    assertTrue(eval("return redis.call('eval', 'return 1', '0')", List.of()).failed());
    assertTrue(eval("return redis.call('keys', '*')", List.of()).failed());
    assertEquals("*2\r\n$3\r\nERR\r\n$3\r\nERR\r\n", reply(eval(
        "local r = redis.pcall('nosuchcommand') local s = redis.pcall('set') "
            + "return {string.sub(r.err, 1, 3), string.sub(s.err, 1, 3)}", List.of())));
  }
}
