package io.raftactors.testkit.lin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.testkit.lin.ExpiringRegisterModel.Delete;
import io.raftactors.testkit.lin.ExpiringRegisterModel.Get;
import io.raftactors.testkit.lin.ExpiringRegisterModel.Grant;
import io.raftactors.testkit.lin.ExpiringRegisterModel.KeepAlive;
import io.raftactors.testkit.lin.ExpiringRegisterModel.Put;
import io.raftactors.testkit.lin.ExpiringRegisterModel.PutIfAbsent;
import io.raftactors.testkit.lin.ExpiringRegisterModel.PutWithLease;
import io.raftactors.testkit.lin.ExpiringRegisterModel.Revoke;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TTL and lease expiry: never before its time, any time after; keep-alives extend it. */
class ExpiringRegisterModelTest {
  private static final Object U = Operation.UNKNOWN;
  private final List<Operation> ops = new ArrayList<>();

  /** An operation from {@code fromMs} to {@code toMs} (-1: unknown outcome). */
  private void op(int client, Object input, Object output, long fromMs, long toMs) {
    long to = toMs < 0 ? Long.MAX_VALUE : toMs * 1_000_000;
    ops.add(new Operation(ops.size(), client, "k", input, toMs < 0 ? U : output, fromMs * 1_000_000, to));
  }

  private boolean linearizable() {
    return LinearizabilityChecker.check(new ExpiringRegisterModel(0), ops).linearizable();
  }

  @Test
  void aTtlValueMayVanishOnlyAfterItsTtl() {
    op(1, new Put("a", 100), "OK", 0, 1);
    op(2, new Get(), "a", 120, 121); // expiry may come late
    op(2, new Get(), null, 150, 151);
    assertTrue(linearizable());

    ops.clear();
    op(1, new Put("a", 100), "OK", 0, 1);
    op(2, new Get(), null, 50, 51); // too early
    assertFalse(linearizable());
  }

  @Test
  void onceExpiredItStaysGoneUntilWrittenAgain() {
    op(1, new Put("a", 100), "OK", 0, 1);
    op(2, new Get(), null, 150, 151);
    op(2, new Get(), "a", 160, 161);
    assertFalse(linearizable());
  }

  @Test
  void aWriteWithoutTtlIsNotExpiredByAnEarlierTtl() {
    op(1, new Put("a", 100), "OK", 0, 1);
    op(1, new Put("b", 0), "OK", 10, 11);
    op(2, new Get(), null, 300, 301);
    assertFalse(linearizable());
  }

  @Test
  void setnxWinsOverAnExpiredValueOnlyAfterItsTtl() {
    op(1, new PutIfAbsent("a", 100), true, 0, 1);
    op(2, new PutIfAbsent("b", 100), true, 150, 151);
    op(3, new Get(), "b", 152, 153);
    assertTrue(linearizable());

    ops.clear();
    op(1, new PutIfAbsent("a", 100), true, 0, 1);
    op(2, new PutIfAbsent("b", 100), true, 40, 41);
    assertFalse(linearizable());
  }

  @Test
  void keepAlivesExtendALeaseAndItsKey() {
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new KeepAlive(7), true, 80, 81);
    op(2, new Get(), null, 150, 151); // the keep-alive at 80 kept it until 180
    assertFalse(linearizable());

    ops.clear();
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new KeepAlive(7), true, 80, 81);
    op(2, new Get(), null, 190, 191);
    op(1, new KeepAlive(7), false, 200, 201); // gone with its key
    op(1, new PutWithLease("b", 7), false, 202, 203);
    assertTrue(linearizable());
  }

  @Test
  void aLeaseThatEndsEarlyIsCaught() {
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new KeepAlive(7), false, 50, 51);
    assertFalse(linearizable());
  }

  @Test
  void anUnknownKeepAliveMayOrMayNotHaveExtendedTheLease() {
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new KeepAlive(7), null, 80, -1);
    op(2, new Get(), "a", 170, 171);
    op(2, new Get(), null, 175, 176);
    assertTrue(linearizable());
  }

  @Test
  void revokeDeletesTheKeyOfTheLease() {
    op(1, new Grant(1000), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new Revoke(7), 1L, 4, 5);
    op(2, new Get(), null, 6, 7);
    op(1, new Revoke(7), -1L, 8, 9);
    assertTrue(linearizable());

    ops.clear();
    op(1, new Grant(1000), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new Revoke(7), 1L, 4, 5);
    op(2, new Get(), "a", 6, 7); // the key outlived its revoked lease
    assertFalse(linearizable());
  }

  @Test
  void aKeyMovedToAnotherLeaseOrOverwrittenIsNotDeletedByTheOldOne() {
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(2, new Grant(10_000), 8L, 4, 5);
    op(2, new PutWithLease("b", 8), true, 6, 7);
    op(1, new Revoke(7), 0L, 8, 9);
    op(3, new Get(), null, 300, 301); // lease 7 is gone, but the key is on lease 8 now
    assertFalse(linearizable());

    ops.clear();
    op(1, new Grant(100), 7L, 0, 1);
    op(1, new PutWithLease("a", 7), true, 2, 3);
    op(1, new Delete(), true, 4, 5);
    op(1, new Put("c", 0), "OK", 6, 7);
    op(3, new Get(), "c", 300, 301);
    assertTrue(linearizable());
  }

  /** An expiry is an event in time: whatever is ordered after it must return after its earliest time. */
  @Test
  void aSlowOrUnknownObserverDoesNotLetOthersSeeAnEarlyExpiry() {
    op(1, new Put("x", 100), "OK", 0, 1);
    op(2, new Get(), null, 2, 200); // slow: may legitimately see it gone
    op(3, new Get(), null, 3, 5); // but this one returned long before it could expire
    assertFalse(linearizable());

    ops.clear();
    op(1, new Put("x", 100), "OK", 0, 1);
    op(2, new Get(), null, 2, -1);
    op(3, new Get(), null, 3, 5);
    assertFalse(linearizable());

    ops.clear();
    op(1, new Grant(1000), 7L, 0, 1);
    op(1, new PutWithLease("v", 7), null, 2, -1);
    op(1, new KeepAlive(7), false, 3, 5);
    assertFalse(linearizable());
  }

  @Test
  void aValueWithoutTtlNeverExpires() {
    op(1, new Put("x", 0), "OK", 0, 1);
    op(2, new Get(), null, 2, -1);
    op(3, new Get(), null, 3, 5);
    assertFalse(linearizable());
  }

  /** The last operation in the list on a lease need not be the last in every order. */
  @Test
  void overlappingOperationsOnALeaseMayGoInEitherOrder() {
    op(1, new Grant(1000), 7L, 0, 1);
    op(1, new Revoke(7), 1L, 20, 100);
    op(2, new PutWithLease("v", 7), true, 30, 40);
    op(3, new Get(), null, 101, 102);
    assertTrue(linearizable());
  }
}
