package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvQuery;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.CommittedCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's lock primitives: sequential entries, fenced writes, conditional deletes. */
class LockStateTest extends StateMachineHarness {
  KvResult.EnqueueResult enqueue(String prefix, String value, boolean onlyIfEmpty) {
    return (KvResult.EnqueueResult) apply(new KvWrite.Enqueue(b(prefix), b(value), 0, 0, onlyIfEmpty));
  }

  @Test
  void entriesAreNamedByTheirRevisionAndKnowTheirPredecessor() {
    apply(KvWrite.Put.of(b("x"), b("1")));
    KvResult.EnqueueResult first = enqueue("lock/a/", "one", false);
    assertEquals(2, first.token());
    assertEquals(b("lock/a/00000000000000000002"), first.entry().key());
    assertEquals(2, first.entry().createRevision());
    assertNull(first.predecessor());
    assertEquals(0, first.ahead());
    apply(KvWrite.Put.of(b("lock/a/zzz"), b("not an entry"))); // under the prefix but not an entry
    KvResult.EnqueueResult second = enqueue("lock/a/", "two", false);
    assertEquals(4, second.token());
    assertEquals(first.entry().key(), second.predecessor().key());
    assertEquals(1, second.ahead());
    assertEquals(4, KvWrite.Enqueue.tokenOf(b("lock/a/"), second.entry().key()));
    assertEquals(-1, KvWrite.Enqueue.tokenOf(b("lock/a/"), b("lock/a/zzz")));
    assertEquals(-1, KvWrite.Enqueue.tokenOf(b("lock/"), second.entry().key()));
  }

  @Test
  void onlyIfEmptyCreatesNothingWhenOthersAreQueued() {
    KvResult.EnqueueResult held = enqueue("m/", "a", true);
    assertEquals(1, held.token());
    long revision = held.revision();
    KvResult.EnqueueResult refused = enqueue("m/", "b", true);
    assertNull(refused.entry());
    assertEquals(0, refused.token());
    assertEquals(held.entry().key(), refused.predecessor().key());
    assertEquals(revision, refused.revision(), "nothing changed");
    apply(new KvWrite.Delete(held.entry().key(), false));
    assertEquals(3, enqueue("m/", "c", true).token(), "tokens keep growing after a release");
  }

  @Test
  void entriesOnALeaseGoWithItAndTtlEntriesExpire() {
    long lease = ((KvResult.LeaseResult) apply(new KvWrite.LeaseGrant(1000))).lease();
    KvResult.EnqueueResult onLease = (KvResult.EnqueueResult) apply(new KvWrite.Enqueue(b("q/"), b("a"), lease, 0, false));
    KvResult.EnqueueResult withTtl = (KvResult.EnqueueResult) apply(new KvWrite.Enqueue(b("q/"), b("b"), 0, 500, false));
    assertEquals(clock + 500, withTtl.entry().expiresAt());
    assertEquals(KvResult.Failure.Code.LEASE_NOT_FOUND,
        ((KvResult.Failure) apply(new KvWrite.Enqueue(b("q/"), b("c"), 999, 0, false))).code());
    clock += 600;
    apply(new KvWrite.ExpireDue());
    assertEquals(List.of(onLease.entry().key()), keys("q/"));
    apply(new KvWrite.LeaseRevoke(lease));
    assertEquals(List.of(), keys("q/"));
  }

  @Test
  void aFencedWriteWithAnOlderTokenIsRefusedEvenAfterTheKeyIsDeleted() {
    assertInstanceOf(KvResult.PutResult.class, apply(new KvWrite.FencedPut(b("r"), b("by 5"), 5)));
    assertInstanceOf(KvResult.PutResult.class, apply(new KvWrite.FencedPut(b("r"), b("by 5 again"), 5)));
    KvResult.Failure stale = (KvResult.Failure) apply(new KvWrite.FencedPut(b("r"), b("by 3"), 3));
    assertEquals(KvResult.Failure.Code.FENCED, stale.code());
    assertTrue(stale.message().contains("older than 5"), stale.message());
    assertEquals("by 5 again", value("r"));
    apply(new KvWrite.FencedPut(b("r"), b("by 9"), 9));
    apply(new KvWrite.Delete(b("r"), false));
    assertEquals(KvResult.Failure.Code.FENCED, ((KvResult.Failure) apply(new KvWrite.FencedPut(b("r"), b("x"), 7))).code());
    assertNull(get("r"));
    assertEquals(KvResult.Failure.Code.INVALID, ((KvResult.Failure) apply(new KvWrite.FencedPut(b("r"), b("x"), 0))).code());
  }

  @Test
  void aTransactionWithAStaleFencedWriteChangesNothing() {
    apply(new KvWrite.FencedPut(b("r"), b("v"), 10));
    KvResult r = apply(new KvWrite.Txn(List.of(), List.of(KvWrite.Put.of(b("other"), b("x")),
        new KvWrite.FencedPut(b("r"), b("w"), 12), new KvWrite.FencedPut(b("r"), b("stale"), 11)), List.of()));
    assertEquals(KvResult.Failure.Code.FENCED, ((KvResult.Failure) r).code());
    assertNull(get("other"));
    assertEquals("v", value("r"));
  }

  @Test
  void fencesSurviveASnapshot() throws Exception {
    apply(new KvWrite.FencedPut(b("r"), b("v"), 10));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    KvStateMachine restored = new KvStateMachine(e -> {});
    restored.restore(new ByteArrayInputStream(out.toByteArray()));
    byte[] cmd = KvCodec.encode(new KvCodec.Command(null, new KvWrite.FencedPut(b("r"), b("old"), 9)));
    KvResult r = KvCodec.decodeResult(restored.apply(new CommittedCommand(++index, 1, clock, cmd)));
    assertEquals(KvResult.Failure.Code.FENCED, ((KvResult.Failure) r).code());
  }

  @Test
  void aLeaseShiftMakesUpForANewLeadersClockBeingAhead() {
    long lease = ((KvResult.LeaseResult) apply(new KvWrite.LeaseGrant(1000))).lease();
    apply(new KvWrite.Put(b("held"), b("v"), lease, 0, false, KvWrite.Condition.ALWAYS, false));
    clock += 300;
    apply(KvWrite.Put.of(b("x"), b("old leader")));
    clock += 5000; // a new leader whose clock is 5 s ahead
    apply(KvWrite.Put.of(b("x"), b("new leader")));
    apply(new KvWrite.ShiftLeases(5000));
    apply(new KvWrite.ExpireDue());
    assertEquals("v", get("held").value().utf8(), "the jump does not end the lease");
    clock += 600;
    apply(new KvWrite.ExpireDue());
    assertEquals("v", get("held").value().utf8(), "it had 700 ms left, and still has them");
    clock += 200;
    apply(new KvWrite.ExpireDue());
    assertNull(get("held"), "and not more");
    assertEquals(KvResult.Failure.Code.INVALID, ((KvResult.Failure) apply(new KvWrite.ShiftLeases(-1))).code());
  }

  @Test
  void flushallResetsFences() {
    apply(new KvWrite.FencedPut(b("r"), b("v"), 50));
    apply(new KvWrite.DeleteRange(Bytes.EMPTY));
    assertInstanceOf(KvResult.PutResult.class, apply(new KvWrite.FencedPut(b("r"), b("v"), 1)), "FLUSHALL reset it");
  }

  @Test
  void aTtlTooLongForTheClockIsRefused() {
    for (KvWrite w : List.of(new KvWrite.Put(b("k"), b("v"), 0, Long.MAX_VALUE, false, KvWrite.Condition.ALWAYS, false),
        new KvWrite.Enqueue(b("q/"), b("v"), 0, Long.MAX_VALUE, false), new KvWrite.LeaseGrant(Long.MAX_VALUE))) {
      assertEquals(KvResult.Failure.Code.INVALID, ((KvResult.Failure) apply(w)).code(), w.toString());
    }
    apply(KvWrite.Put.of(b("k"), b("v")));
    assertEquals(KvResult.Failure.Code.INVALID, ((KvResult.Failure) apply(new KvWrite.Touch(b("k"), Long.MAX_VALUE))).code());
    assertEquals(0, get("k").expiresAt());
  }

  @Test
  void deleteIfComparesTheValue() {
    apply(KvWrite.Put.of(b("lock"), b("token-1")));
    assertEquals(0, deleted(new KvWrite.DeleteIf(b("lock"), b("token-2"), true)));
    assertEquals(0, deleted(new KvWrite.DeleteIf(b("lock"), b("token-1"), false)));
    assertEquals(1, deleted(new KvWrite.DeleteIf(b("lock"), b("token-1"), true)));
    assertEquals(0, deleted(new KvWrite.DeleteIf(b("lock"), b("token-1"), true)));
    assertEquals(0, deleted(new KvWrite.DeleteIf(b("lock"), b("x"), false)), "a missing key is not deleted");
    apply(KvWrite.Put.of(b("lock"), b("a")));
    assertEquals(1, deleted(new KvWrite.DeleteIf(b("lock"), b("b"), false)));
  }

  private long deleted(KvWrite w) {
    return ((KvResult.DeleteResult) apply(w)).deleted();
  }

  private String value(String key) {
    return get(key).value().utf8();
  }

  private List<Bytes> keys(String prefix) {
    return ((KvResult.RangeResult) sm.read(new KvQuery.Range(b(prefix), 0))).kvs().stream().map(kv -> kv.key()).toList();
  }
}
