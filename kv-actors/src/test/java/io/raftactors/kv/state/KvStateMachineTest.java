package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.Compare;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.kv.WatchEvent;
import io.raftactors.raft.CommittedCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The key-value state machine, without actors: deterministic inputs, exact outputs. */
class KvStateMachineTest extends StateMachineHarness {

  @Test
  void putsGetsAndDeletesKeepMvccMetadata() {
    KvResult.PutResult p1 = (KvResult.PutResult) apply(KvWrite.Put.of(b("a"), b("1")));
    assertEquals(1, p1.revision());
    apply(KvWrite.Put.of(b("b"), b("2")));
    KvResult.PutResult p3 = (KvResult.PutResult) apply(
        new KvWrite.Put(b("a"), b("3"), 0, 0, false, KvWrite.Condition.ALWAYS, true));
    assertEquals(b("1"), p3.previous().value());
    KeyValue a = get("a");
    assertEquals(b("3"), a.value());
    assertEquals(1, a.createRevision());
    assertEquals(3, a.modRevision());
    assertEquals(2, a.version());

    KvResult.DeleteResult d = (KvResult.DeleteResult) apply(new KvWrite.Delete(b("a"), true));
    assertEquals(1, d.deleted());
    assertEquals(4, d.revision());
    assertNull(get("a"));
    assertEquals(0, ((KvResult.DeleteResult) apply(new KvWrite.Delete(b("a"), false))).deleted());
    assertEquals(4, sm.revision(), "deleting nothing changes no revision");

    apply(KvWrite.Put.of(b("a"), b("again")));
    assertEquals(5, get("a").createRevision(), "recreated: a new create revision");
    assertEquals(1, get("a").version());
  }

  @Test
  void rangesByPrefixWithLimitAndDeletesRanges() {
    for (String k : List.of("user/1", "user/2", "user/3", "users", "v", "u")) apply(KvWrite.Put.of(b(k), b("x")));
    KvResult.RangeResult r = (KvResult.RangeResult) query(new KvQuery.Range(b("user/"), 2));
    assertEquals(List.of(b("user/1"), b("user/2")), r.kvs().stream().map(KeyValue::key).toList());
    assertTrue(r.more());
    assertEquals(4, ((KvResult.RangeResult) query(new KvQuery.Range(b("user"), 0))).kvs().size());
    KvResult.DeleteResult d = (KvResult.DeleteResult) apply(new KvWrite.DeleteRange(b("user/")));
    assertEquals(3, d.deleted());
    assertEquals(3, ((KvResult.CountResult) query(new KvQuery.Count())).keys());
    Bytes high = Bytes.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF});
    apply(KvWrite.Put.of(high, b("x")));
    assertEquals(1, ((KvResult.RangeResult) query(new KvQuery.Range(Bytes.wrap(new byte[] {(byte) 0xFF}), 0))).kvs().size());
  }

  @Test
  void incrementsLikeRedis() {
    assertEquals(5, ((KvResult.IncrementResult) apply(new KvWrite.Increment(b("n"), 5))).value());
    assertEquals(-2, ((KvResult.IncrementResult) apply(new KvWrite.Increment(b("n"), -7))).value());
    assertEquals(b("-2"), get("n").value());
    apply(KvWrite.Put.of(b("s"), b("abc")));
    KvResult.Failure f = assertInstanceOf(KvResult.Failure.class, apply(new KvWrite.Increment(b("s"), 1)));
    assertEquals(KvResult.Failure.Code.NOT_INTEGER, f.code());
    for (String bad : List.of(" 1", "1 ", "+1", "01", "-0", "1.0", "", "99999999999999999999")) {
      apply(KvWrite.Put.of(b("s"), b(bad)));
      assertInstanceOf(KvResult.Failure.class, apply(new KvWrite.Increment(b("s"), 1)), "'" + bad + "'");
    }
    apply(KvWrite.Put.of(b("max"), b(Long.toString(Long.MAX_VALUE))));
    assertEquals(KvResult.Failure.Code.OVERFLOW,
        ((KvResult.Failure) apply(new KvWrite.Increment(b("max"), 1))).code());
    apply(KvWrite.Put.of(b("min"), b(Long.toString(Long.MIN_VALUE))));
    assertEquals(Long.MIN_VALUE + 1, ((KvResult.IncrementResult) apply(new KvWrite.Increment(b("min"), 1))).value());
  }

  @Test
  void aBatchAppliesEachWriteAsIfAlone() {
    apply(KvWrite.Put.of(b("s"), b("text")));
    long before = ((KvResult.PutResult) apply(KvWrite.Put.of(b("x"), b("0")))).revision();
    KvResult.BatchResult r = (KvResult.BatchResult) apply(new KvWrite.Batch(List.of(
        KvWrite.Put.of(b("x"), b("1")),
        new KvWrite.Increment(b("s"), 1),            // fails alone
        new KvWrite.Increment(b("n"), 2),
        new KvWrite.Txn(List.of(), List.of(KvWrite.Put.of(b("y"), b("1")), KvWrite.Put.of(b("z"), b("1"))), List.of()),
        new KvWrite.Delete(b("x"), false))));
    assertEquals(5, r.results().size());
    assertEquals(before + 1, ((KvResult.PutResult) r.results().get(0)).revision(), "a revision of its own");
    assertEquals(KvResult.Failure.Code.NOT_INTEGER, ((KvResult.Failure) r.results().get(1)).code());
    assertEquals(new KvResult.IncrementResult(before + 2, 2), r.results().get(2));
    assertEquals(before + 3, ((KvResult.TxnResult) r.results().get(3)).revision(), "the transaction: one revision");
    assertEquals(before + 4, ((KvResult.DeleteResult) r.results().get(4)).revision());
    assertEquals(null, get("x"));
    assertEquals(b("1"), get("z").value());
    assertEquals(b("text"), get("s").value(), "the failed write changed nothing");
    assertThrows(IllegalArgumentException.class, () -> new KvWrite.Batch(List.of(new KvWrite.LeaseGrant(1000))));
  }

  @Test
  void setIfAbsentAndIfPresent() {
    KvWrite.Put nx = new KvWrite.Put(b("lock"), b("me"), 0, 0, false, KvWrite.Condition.IF_ABSENT, false);
    assertTrue(((KvResult.PutResult) apply(nx)).applied());
    KvWrite.Put nx2 = new KvWrite.Put(b("lock"), b("you"), 0, 0, false, KvWrite.Condition.IF_ABSENT, true);
    KvResult.PutResult second = (KvResult.PutResult) apply(nx2);
    assertFalse(second.applied());
    assertEquals(b("me"), second.previous().value());
    assertFalse(((KvResult.PutResult) apply(new KvWrite.Put(b("none"), b("x"), 0, 0, false,
        KvWrite.Condition.IF_PRESENT, false))).applied());
    assertNull(get("none"));
  }

  @Test
  void transactionsCompareThenApplyAllOrNothing() {
    apply(KvWrite.Put.of(b("k"), b("v1")));
    long mod = get("k").modRevision();
    KvWrite.Txn cas = new KvWrite.Txn(List.of(Compare.value(b("k"), Compare.Relation.EQUAL, b("v1"))),
        List.of(KvWrite.Put.of(b("k"), b("v2")), new KvQuery.Get(b("k"))),
        List.of(new KvQuery.Get(b("k"))));
    KvResult.TxnResult t = (KvResult.TxnResult) apply(cas);
    assertTrue(t.succeeded());
    assertEquals(b("v2"), ((KvResult.GetResult) t.results().get(1)).kv().value(), "reads see earlier ops");
    KvResult.TxnResult again = (KvResult.TxnResult) apply(cas);
    assertFalse(again.succeeded());
    assertEquals(b("v2"), ((KvResult.GetResult) again.results().get(0)).kv().value());

    assertFalse(((KvResult.TxnResult) apply(new KvWrite.Txn(
        List.of(Compare.modRevision(b("k"), Compare.Relation.EQUAL, mod)), List.of(), List.of()))).succeeded());
    assertTrue(((KvResult.TxnResult) apply(new KvWrite.Txn(
        List.of(Compare.version(b("missing"), Compare.Relation.EQUAL, 0)), List.of(), List.of()))).succeeded());

    // An increment of a non-integer fails the whole branch: the put before it does not happen.
    long before = sm.revision();
    KvResult r = apply(new KvWrite.Txn(List.of(),
        List.of(KvWrite.Put.of(b("other"), b("x")), new KvWrite.Increment(b("k"), 1)), List.of()));
    assertInstanceOf(KvResult.Failure.class, r);
    assertNull(get("other"));
    assertEquals(before, sm.revision());

    // All changes of one transaction share one revision.
    KvResult.TxnResult multi = (KvResult.TxnResult) apply(new KvWrite.Txn(List.of(),
        List.of(KvWrite.Put.of(b("x"), b("1")), KvWrite.Put.of(b("y"), b("2"))), List.of()));
    assertEquals(get("x").modRevision(), get("y").modRevision());
    assertEquals(multi.revision(), get("y").modRevision());
  }

  @Test
  void keysWithATtlExpireAtTheStampedTimeOnly() {
    apply(new KvWrite.Put(b("t"), b("x"), 0, 1000, false, KvWrite.Condition.ALWAYS, false));
    assertEquals(clock + 1000, ((KvResult.TtlResult) query(new KvQuery.Ttl(b("t")))).expiresAt());
    assertEquals(clock + 1000, (Long) sm.read(new KvQuery.NextExpiry()));
    clock += 999;
    apply(new KvWrite.ExpireDue());
    assertTrue(get("t") != null, "not yet");
    // INCR keeps the TTL, a plain SET clears it, KEEPTTL keeps it.
    apply(new KvWrite.Increment(b("n"), 1));
    apply(new KvWrite.Touch(b("n"), 500));
    apply(new KvWrite.Increment(b("n"), 1));
    assertEquals(clock + 500, get("n").expiresAt());
    clock += 1;
    events.clear();
    apply(new KvWrite.ExpireDue());
    assertNull(get("t"));
    assertEquals(1, events.size());
    assertEquals(WatchEvent.Type.DELETE, events.get(0).type());
    apply(new KvWrite.Touch(b("n"), 0));
    assertEquals(0, get("n").expiresAt(), "PERSIST");
  }

  @Test
  void leasesHoldKeysUntilRevokedOrExpired() {
    long lease = ((KvResult.LeaseResult) apply(new KvWrite.LeaseGrant(1000))).lease();
    apply(new KvWrite.Put(b("a"), b("1"), lease, 0, false, KvWrite.Condition.ALWAYS, false));
    apply(new KvWrite.Put(b("b"), b("2"), lease, 0, false, KvWrite.Condition.ALWAYS, false));
    assertEquals(KvResult.Failure.Code.LEASE_NOT_FOUND, ((KvResult.Failure) apply(
        new KvWrite.Put(b("c"), b("3"), 999, 0, false, KvWrite.Condition.ALWAYS, false))).code());
    clock += 900;
    apply(new KvWrite.LeaseKeepAlive(lease));
    clock += 900;
    apply(new KvWrite.ExpireDue());
    assertTrue(get("a") != null, "kept alive");
    clock += 101;
    long rev = sm.revision();
    apply(new KvWrite.ExpireDue());
    assertNull(get("a"));
    assertNull(get("b"));
    assertEquals(rev + 1, sm.revision(), "one revision for the whole expiry");
    assertInstanceOf(KvResult.Failure.class, apply(new KvWrite.LeaseKeepAlive(lease)));

    long second = ((KvResult.LeaseResult) apply(new KvWrite.LeaseGrant(10_000))).lease();
    apply(new KvWrite.Put(b("c"), b("3"), second, 0, false, KvWrite.Condition.ALWAYS, false));
    apply(KvWrite.Put.of(b("c"), b("detached")));
    assertEquals(0, ((KvResult.LeaseResult) apply(new KvWrite.LeaseRevoke(second))).deleted());
    assertEquals(b("detached"), get("c").value());
  }

  @Test
  void aRetriedSessionWriteIsAppliedOnceAndAnsweredTheSame() {
    long session = ((KvResult.SessionResult) apply(new KvWrite.OpenSession(60_000))).session();
    KvCodec.SessionStamp s1 = new KvCodec.SessionStamp(session, 1, 1);
    KvResult first = apply(s1, new KvWrite.Increment(b("n"), 1));
    KvResult retry = apply(s1, new KvWrite.Increment(b("n"), 1));
    assertEquals(first, retry);
    assertEquals(b("1"), get("n").value());
    assertEquals(2, ((KvResult.IncrementResult) apply(new KvCodec.SessionStamp(session, 2, 2),
        new KvWrite.Increment(b("n"), 1))).value());
    // Seq 1 is confirmed now: a very late duplicate is refused, never re-applied.
    assertEquals(KvResult.Failure.Code.SESSION_EXPIRED,
        ((KvResult.Failure) apply(s1, new KvWrite.Increment(b("n"), 1))).code());
    assertEquals(b("2"), get("n").value());

    clock += 60_001;
    apply(new KvWrite.ExpireDue());
    assertEquals(KvResult.Failure.Code.SESSION_EXPIRED, ((KvResult.Failure) apply(
        new KvCodec.SessionStamp(session, 3, 3), new KvWrite.Increment(b("n"), 1))).code());
    assertEquals(b("2"), get("n").value());
  }

  @Test
  void watchEventsCarryRevisionsInOrder() {
    apply(KvWrite.Put.of(b("a"), b("1")));
    apply(KvWrite.Put.of(b("a"), b("2")));
    apply(new KvWrite.Delete(b("a"), false));
    assertEquals(List.of(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE),
        events.stream().map(WatchEvent::type).toList());
    assertEquals(List.of(1L, 2L, 3L), events.stream().map(WatchEvent::revision).toList());
    assertEquals(b("1"), events.get(1).previous().value());
  }

  @Test
  void malformedCommandsAreRefusedNotThrown() {
    byte[] garbage = {1, 0, 99};
    KvResult r = KvCodec.decodeResult(sm.apply(new CommittedCommand(1, 1, 0, garbage)));
    assertEquals(KvResult.Failure.Code.INVALID, ((KvResult.Failure) r).code());
  }

  /** Scripts for the replicas test: writes, reads, TTLs, failures (rolled back), limits, tables. */
  static final List<String> SCRIPTS = List.of(
      "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', KEYS[2])",
      "local v = redis.call('get', KEYS[1]) if v then redis.call('append', KEYS[1], '+') end return v",
      "redis.call('set', KEYS[1], ARGV[1], 'PX', 700) return redis.call('pttl', KEYS[1])",
      "redis.call('set', KEYS[1], ARGV[1]) return redis.call('incr', KEYS[1])",
      "redis.call('del', KEYS[1]) while true do end",
      "local t = {} for i = 1, 10 do t['k' .. i] = i end local n = 0 for k, v in pairs(t) do n = n + v end "
          + "return {n, tostring({}), tostring(t)}",
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

  @Test
  void replicasGivenTheSameLogEndIdenticalAndSnapshotsRestoreExactly() throws IOException {
    KvStateMachine other = new KvStateMachine(e -> {});
    Random random = new Random(7);
    List<byte[]> results = new ArrayList<>();
    List<byte[]> otherResults = new ArrayList<>();
    long lease = 0;
    for (int i = 1; i <= 3000; i++) {
      clock += random.nextInt(50);
      String key = "k" + random.nextInt(50);
      KvWrite w = switch (random.nextInt(14)) {
        case 12 -> new KvWrite.HashSet(b(key), List.of(b("f" + random.nextInt(3)), b("v" + i)), random.nextBoolean());
        case 13 -> random.nextBoolean() ? new KvWrite.HashIncrement(b(key), b("f" + random.nextInt(3)), 1)
            : new KvWrite.HashDelete(b(key), List.of(b("f" + random.nextInt(3))));
        case 11 -> new KvWrite.Eval(b(SCRIPTS.get(random.nextInt(SCRIPTS.size()))), "", false,
            List.of(b(key), b("n" + random.nextInt(5))), List.of(b("v" + i)), 100_000, 1 << 20, false);
        case 8 -> new KvWrite.Enqueue(b("q/"), b("e" + i), random.nextBoolean() ? lease : 0, random.nextInt(2000),
            random.nextBoolean());
        case 9 -> new KvWrite.FencedPut(b("f" + random.nextInt(3)), b("v" + i), 1 + random.nextInt(i));
        case 10 -> new KvWrite.DeleteIf(b(key), b("v" + random.nextInt(i)), random.nextBoolean());
        case 0 -> new KvWrite.Delete(b(key), true);
        case 1 -> new KvWrite.Increment(b("n" + random.nextInt(5)), random.nextInt(100) - 50);
        case 2 -> new KvWrite.Put(b(key), b("v" + i), 0, random.nextInt(2000), false, KvWrite.Condition.ALWAYS, true);
        case 3 -> new KvWrite.ExpireDue();
        case 4 -> lease == 0 ? new KvWrite.LeaseGrant(1500) : new KvWrite.LeaseKeepAlive(lease);
        case 5 -> new KvWrite.Put(b(key), b("l" + i), lease, 0, false, KvWrite.Condition.ALWAYS, false);
        case 6 -> new KvWrite.DeleteRange(b("k1"));
        default -> KvWrite.Put.of(b(key), b("v" + i));
      };
      byte[] cmd = KvCodec.encode(new KvCodec.Command(null, w));
      CommittedCommand c = new CommittedCommand(i, 1, clock, cmd);
      byte[] r = sm.apply(c);
      results.add(r);
      otherResults.add(other.apply(c));
      KvResult decoded = KvCodec.decodeResult(r);
      if (decoded instanceof KvResult.LeaseResult l && l.expiresAt() > 0) lease = l.lease();
      if (decoded instanceof KvResult.Failure f && f.code() == KvResult.Failure.Code.LEASE_NOT_FOUND) lease = 0;
      if (i == 1500) {
        // Halfway, a third replica starts from a snapshot of the first.
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        sm.writeSnapshot(snapshot);
        other = new KvStateMachine(e -> {});
        other.restore(new ByteArrayInputStream(snapshot.toByteArray()));
      }
    }
    for (int i = 0; i < results.size(); i++) assertArrayEquals(results.get(i), otherResults.get(i), "result " + (i + 1));
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    sm.writeSnapshot(a);
    other.writeSnapshot(b);
    assertArrayEquals(a.toByteArray(), b.toByteArray());
  }

  @Test
  void aSnapshotWithKeysOutOfOrderStillRestoresEveryKey() throws IOException {
    apply(KvWrite.Put.of(b("apple"), b("red")));
    apply(KvWrite.Put.of(b("banana"), b("yellow")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    byte[] snapshot = out.toByteArray();
    // Swap the two key records (marker, key, value, five longs each): the keys are then descending.
    int first = indexOf(snapshot, "apple".getBytes()) - 5;
    int second = indexOf(snapshot, "banana".getBytes()) - 5;
    int firstLength = second - first;
    int secondLength = 1 + 4 + 6 + 4 + 6 + 40;
    byte[] swapped = snapshot.clone();
    System.arraycopy(snapshot, second, swapped, first, secondLength);
    System.arraycopy(snapshot, first, swapped, first + secondLength, firstLength);
    KvStateMachine other = new KvStateMachine(e -> {});
    other.restore(new ByteArrayInputStream(swapped));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    other.writeSnapshot(again);
    assertArrayEquals(snapshot, again.toByteArray(), "restored from out-of-order keys, written back in order");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }
}
