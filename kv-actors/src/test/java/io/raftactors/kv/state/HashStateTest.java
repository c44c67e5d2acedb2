package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.HashValue;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hash keys: fields set, incremented and removed; WRONGTYPE between strings and hashes. */
class HashStateTest extends StateMachineHarness {
  KvResult hset(String key, String... fv) {
    return apply(new KvWrite.HashSet(b(key), List.of(fv).stream().map(Bytes::of).toList(), false));
  }

  Map<Bytes, Bytes> fields(String key) {
    KeyValue kv = get(key);
    assertTrue(kv.isHash());
    return HashValue.decode(kv.value());
  }

  @Test
  void fieldsAreSetIncrementedAndRemovedAndTheKeyGoesWithTheLast() {
    assertEquals(2, ((KvResult.NumberResult) hset("h", "a", "1", "b", "2")).number());
    assertEquals(0, ((KvResult.NumberResult) hset("h", "a", "9")).number(), "a changed, none added");
    assertEquals(0, ((KvResult.NumberResult) apply(new KvWrite.HashSet(b("h"), List.of(b("a"), b("x")), true))).number());
    assertEquals(Map.of(b("a"), b("9"), b("b"), b("2")), fields("h"));
    assertEquals(12, ((KvResult.IncrementResult) apply(new KvWrite.HashIncrement(b("h"), b("a"), 3))).value());
    assertEquals(-1, ((KvResult.IncrementResult) apply(new KvWrite.HashIncrement(b("h"), b("c"), -1))).value());
    assertEquals(KvResult.Failure.Code.OVERFLOW,
        ((KvResult.Failure) apply(new KvWrite.HashIncrement(b("h"), b("c"), Long.MIN_VALUE))).code());
    hset("h", "t", "text");
    assertEquals(KvResult.Failure.Code.NOT_INTEGER,
        ((KvResult.Failure) apply(new KvWrite.HashIncrement(b("h"), b("t"), 1))).code());
    apply(new KvWrite.HashDelete(b("h"), List.of(b("t"))));
    assertEquals(2, ((KvResult.NumberResult) apply(new KvWrite.HashDelete(b("h"), List.of(b("a"), b("b"), b("z"))))).number());
    assertEquals(Map.of(b("c"), b("-1")), fields("h"));
    apply(new KvWrite.HashDelete(b("h"), List.of(b("c"))));
    assertNull(get("h"));
  }

  @Test
  void stringsAndHashesRefuseEachOthersOperations() {
    apply(KvWrite.Put.of(b("s"), b("text")));
    hset("h", "f", "v");
    for (KvWrite w : List.of(new KvWrite.HashSet(b("s"), List.of(b("f"), b("v")), false),
        new KvWrite.HashIncrement(b("s"), b("f"), 1), new KvWrite.HashDelete(b("s"), List.of(b("f"))),
        new KvWrite.Increment(b("h"), 1), new KvWrite.Append(b("h"), b("x")),
        new KvWrite.Put(b("h"), b("v"), 0, 0, false, KvWrite.Condition.ALWAYS, true))) {
      assertEquals(KvResult.Failure.Code.WRONG_TYPE, ((KvResult.Failure) apply(w)).code(), w.toString());
    }
    assertEquals("text", get("s").value().utf8());
    assertEquals(Map.of(b("f"), b("v")), fields("h"));
    apply(KvWrite.Put.of(b("h"), b("now a string"))); // SET replaces any type, as in Redis
    assertEquals(KeyValue.Type.STRING, get("h").type());
  }

  @Test
  void aHashKeepsItsExpiryAndSurvivesASnapshot() throws Exception {
    hset("h", "owner", "1");
    apply(new KvWrite.Touch(b("h"), 500));
    hset("h", "owner", "2");
    assertEquals(clock + 500, get("h").expiresAt());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    KvStateMachine restored = new KvStateMachine(e -> {});
    restored.restore(new ByteArrayInputStream(out.toByteArray()));
    KeyValue kv = ((KvResult.GetResult) restored.read(new io.raftactors.kv.KvQuery.Get(b("h")))).kv();
    assertEquals(KeyValue.Type.HASH, kv.type());
    assertEquals(Map.of(b("owner"), b("2")), HashValue.decode(kv.value()));
    clock += 600;
    apply(new KvWrite.ExpireDue());
    assertNull(get("h"));
  }

  @Test
  void aTransactionWithAFailingHashOperationChangesNothing() {
    apply(KvWrite.Put.of(b("s"), b("text")));
    KvResult r = apply(new KvWrite.Txn(List.of(), List.of(
        new KvWrite.HashSet(b("h"), List.of(b("f"), b("v")), false), new KvWrite.HashIncrement(b("h"), b("f"), 1)),
        List.of()));
    assertEquals(KvResult.Failure.Code.NOT_INTEGER, ((KvResult.Failure) r).code());
    assertNull(get("h"));
    r = apply(new KvWrite.Txn(List.of(), List.of(
        new KvWrite.HashSet(b("h"), List.of(b("f"), b("1")), false), new KvWrite.HashIncrement(b("s"), b("f"), 1)),
        List.of()));
    assertEquals(KvResult.Failure.Code.WRONG_TYPE, ((KvResult.Failure) r).code());
    assertNull(get("h"));
  }
}
