package io.raftactors.kv.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvResult;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A KV snapshot is written a part at a time while writes go on, yet it holds exactly the state of
 * the moment it started: the same bytes as a snapshot taken with the store stopped there.
 */
class PointInTimeSnapshotTest {
  private final long seed = Long.getLong("raft.test.seed", new Random().nextLong());
  private final Random random = new Random(seed);
  private long clock = 1_000_000;
  private long index;
  private long lease;

  private static Bytes b(String s) {
    return Bytes.of(s);
  }

  /** A random write: puts with and without TTLs and leases, deletes, ranges, touches, increments, expiry. */
  private CommittedCommand next() {
    clock += random.nextInt(40);
    String key = "k" + random.nextInt(300);
    KvWrite w = switch (random.nextInt(11)) {
      case 0 -> new KvWrite.Delete(b(key), false);
      case 1 -> new KvWrite.Increment(b("n" + random.nextInt(20)), random.nextInt(9) - 4);
      case 2 -> new KvWrite.Put(b(key), b("t" + index), 0, 1 + random.nextInt(3000), false, KvWrite.Condition.ALWAYS, false);
      case 3 -> new KvWrite.ExpireDue();
      case 4 -> lease == 0 ? new KvWrite.LeaseGrant(2000) : new KvWrite.LeaseKeepAlive(lease);
      case 5 -> new KvWrite.Put(b(key), b("l" + index), lease, 0, false, KvWrite.Condition.ALWAYS, false);
      case 6 -> random.nextInt(20) == 0 ? new KvWrite.DeleteRange(b("k" + random.nextInt(10))) : new KvWrite.Touch(b(key), random.nextInt(3000));
      case 7 -> random.nextInt(10) == 0 && lease != 0 ? new KvWrite.LeaseRevoke(lease)
          : new KvWrite.Txn(List.of(io.raftactors.kv.Compare.version(b(key), io.raftactors.kv.Compare.Relation.GREATER, 0)),
              List.of(KvWrite.Put.of(b(key), b("x" + index))), List.of(new KvWrite.Delete(b(key), false)));
      default -> KvWrite.Put.of(b(key), b("v" + index));
    };
    return new CommittedCommand(++index, 1, clock, KvCodec.encode(new KvCodec.Command(null, w)));
  }

  private void apply(KvStateMachine sm, CommittedCommand c) {
    KvResult r = KvCodec.decodeResult(sm.apply(c));
    if (r instanceof KvResult.LeaseResult l && l.expiresAt() > 0) lease = l.lease();
    if (r instanceof KvResult.Failure f && f.code() == KvResult.Failure.Code.LEASE_NOT_FOUND) lease = 0;
  }

  private static byte[] whole(KvStateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.writeSnapshot(out);
    return out.toByteArray();
  }

  @Test
  void aSnapshotWrittenWhileWritesGoOnHoldsTheStateOfItsStart() throws IOException {
    System.out.println("PointInTimeSnapshotTest seed " + seed + " (-Draft.test.seed=" + seed + ")");
    for (int round = 0; round < 5; round++) {
      KvStateMachine sm = new KvStateMachine(e -> {});
      for (int i = 0; i < 3000; i++) apply(sm, next());
      byte[] expected = whole(sm);

      StateMachine.Snapshot snapshot = sm.snapshot();
      ByteArrayOutputStream parts = new ByteArrayOutputStream();
      List<CommittedCommand> after = new ArrayList<>();
      for (int k = random.nextInt(20); k > 0; k--) { // writes before the first part, too
        CommittedCommand c = next();
        after.add(c);
        apply(sm, c);
      }
      boolean more = true;
      int calls = 0;
      while (more) {
        more = snapshot.writeNext(parts, 50 + random.nextInt(400));
        calls++;
        for (int k = random.nextInt(8); k > 0; k--) {
          CommittedCommand c = next();
          after.add(c);
          apply(sm, c);
        }
      }
      assertTrue(calls > 10, "written in " + calls + " parts");
      assertArrayEquals(expected, parts.toByteArray(), "seed " + seed + ", round " + round);
      assertFalse(snapshot.writeNext(parts, 100));

      // A replica restored from it and given the later writes ends in the same state.
      KvStateMachine other = new KvStateMachine(e -> {});
      other.restore(new ByteArrayInputStream(parts.toByteArray()));
      long savedLease = lease;
      for (CommittedCommand c : after) other.apply(c);
      lease = savedLease;
      assertArrayEquals(whole(sm), whole(other), "seed " + seed + ", round " + round);
    }
  }

  @Test
  void aNewSnapshotAbandonsTheUnfinishedOne() throws IOException {
    KvStateMachine sm = new KvStateMachine(e -> {});
    for (int i = 0; i < 500; i++) apply(sm, next());
    StateMachine.Snapshot first = sm.snapshot();
    first.writeNext(new ByteArrayOutputStream(), 100);
    for (int i = 0; i < 50; i++) apply(sm, next());
    byte[] expected = whole(sm); // takes (and finishes) a snapshot of its own
    StateMachine.Snapshot second = sm.snapshot();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (second.writeNext(out, 200)) {
      apply(sm, next());
    }
    assertArrayEquals(expected, out.toByteArray());
    // The abandoned one must not look finished: what it wrote is not a snapshot.
    assertThrows(IllegalStateException.class, () -> first.writeNext(new ByteArrayOutputStream(), 100));
  }

  @Test
  void aFailedRestoreLeavesTheStateAsItWas() throws IOException {
    KvStateMachine sm = new KvStateMachine(e -> {});
    for (int i = 0; i < 500; i++) apply(sm, next());
    byte[] before = whole(sm);
    byte[] cut = java.util.Arrays.copyOf(before, before.length / 2);
    assertThrows(IOException.class, () -> sm.restore(new ByteArrayInputStream(cut)));
    assertArrayEquals(before, whole(sm));
  }
}
