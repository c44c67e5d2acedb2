package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.awaitConverged;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.protocol.InstallSnapshot;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.StateMachines;
import io.raftactors.testkit.TestClusters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots, log compaction and InstallSnapshot: compacted logs, restarts from a snapshot plus the
 * log tail, followers that catch up by snapshot (wiped, or down while the leader compacted), and
 * transfers that lose chunks or their leader. Replicas are compared by a digest of everything they
 * applied, which a snapshot carries, so "caught up by snapshot" means "holds exactly the same state".
 */
@ExtendWith(RaftClusterExtension.class)
class SnapshotTest {
  @TempDir Path tempDir;

  /** Snapshot every 100 entries, however large the state, keep 20 behind it. */
  private static final String AGGRESSIVE = """
      raft.snapshot.entries = 100
      raft.snapshot.log-ratio = 0
      raft.snapshot.keep-tail = 20
      """;

  private RaftTestCluster start(TestClusters clusters, JournalKind journal, String settings,
      java.util.function.Supplier<StateMachine> machine) {
    return clusters.start(b -> journal.apply(b.nodes(3), tempDir.resolve("journals"))
        .snapshots(tempDir.resolve("snapshots"))
        .stateMachine(machine)
        .settings(settings));
  }

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void logsAreCompactedAndRestartsBeginAtTheSnapshot(JournalKind journal, TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, journal, AGGRESSIVE, StateMachines.digest());
    c.awaitLeader(ELECTION);
    commitMany(c, 1000, "a");
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      long first = c.log(id).log().firstIndex();
      assertTrue(first > 800, id + " compacted its log (first index " + first + ")");
      // Older files are removed just after a new one is saved: for a moment there may be three.
      c.awaitCondition(id + " to keep at most raft.snapshot.retain = 2 snapshots", COMMIT,
          () -> snapshotFiles(id).size() >= 1 && snapshotFiles(id).size() <= 2);
    }
    StateMachines.Digest before = sameDigest(c);

    for (String id : c.nodeIds()) c.crash(id);
    for (String id : c.nodeIds()) c.restart(id);
    c.awaitLeader(ELECTION);
    // The tail after the snapshot is applied once the new leader commits an entry of its term.
    c.awaitCondition("every node to apply the tail", COMMIT,
        () -> c.nodeIds().stream().allMatch(id -> digest(c, id).applied() >= before.applied()));
    assertEquals(before, sameDigest(c), "the state after restarting from snapshots and log tails");
    for (String id : c.nodeIds()) {
      assertTrue(c.applied(id).isEmpty() || c.applied(id).get(0).index() > 800,
          id + " restored a snapshot instead of replaying from index 1: " + c.applied(id).size() + " applied");
    }
    commitMany(c, 200, "b");
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  @ParameterizedTest
  @EnumSource(JournalKind.class)
  void aWipedNodeCatchesUpBySnapshot(JournalKind journal, TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, journal, AGGRESSIVE, StateMachines.digest());
    String leader = c.awaitLeader(ELECTION);
    commitMany(c, 300, "a");
    String victim = aFollower(c, leader);
    c.crash(victim);
    c.wipe(victim);
    commitMany(c, 300, "b");
    c.restart(victim);
    awaitConverged(c, COMMIT);
    sameDigest(c);
    assertTrue(c.applied(victim).get(0).index() > 300,
        victim + " received a snapshot instead of the whole log");
    commitMany(c, 100, "c");
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  /**
   * Wiped and back at once, while the leader still counts it as holding the entries it had
   * acknowledged: the leader notices that it lost them, stops counting it for them, and starts
   * over (by snapshot), instead of probing the same index forever.
   */
  @Test
  void aWipedNodeBackAtOnceIsReplicatedToAgain(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, AGGRESSIVE, StateMachines.digest());
    String leader = c.awaitLeader(ELECTION);
    commitMany(c, 300, "a");
    awaitConverged(c, COMMIT);
    String victim = aFollower(c, leader);
    c.crash(victim);
    c.wipe(victim);
    c.restart(victim);
    commitMany(c, 10, "b");
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  @Test
  void aFollowerDownWhileTheLeaderCompactsCatchesUp(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, AGGRESSIVE, StateMachines.digest());
    String leader = c.awaitLeader(ELECTION);
    commitMany(c, 50, "a");
    String down = aFollower(c, leader);
    c.crash(down);
    commitMany(c, 600, "b");
    assertTrue(c.log(leader).log().firstIndex() > 500,
        "the leader compacted even while " + down + " was down: " + c.log(leader).log());
    c.restart(down);
    awaitConverged(c, COMMIT);
    sameDigest(c);
    assertTrue(c.journal(down).firstIndex() > 60, down + "'s journal was reset to the installed snapshot");
    c.checkInvariants();
  }

  /**
   * A snapshot of many chunks (a 200 KB state in 1 KiB chunks) crosses a lossy, duplicating,
   * reordering network to a wiped follower, and the leader is crashed in the middle of the
   * transfer: the new leader's transfer starts over cleanly and the follower converges.
   */
  @Test
  void anInstallSurvivesLossDuplicatesAndALeaderCrash(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, AGGRESSIVE + """
        raft.snapshot.install.chunk-size = 1 KiB
        raft.snapshot.install.max-inflight-chunks = 8
        """, () -> new PaddedDigest(200_000));
    String leader = c.awaitLeader(ELECTION);
    commitMany(c, 300, "a");
    String victim = aFollower(c, leader);
    c.crash(victim);
    c.wipe(victim);
    commitMany(c, 300, "b");

    AtomicInteger chunks = new AtomicInteger();
    c.network().setUnreliable(0.1, Duration.ofMillis(5));
    c.network().duplicate(0.05);
    c.network().setReordering(true);
    c.network().addFilter("count-chunks", (from, to, m) -> {
      if (m instanceof InstallSnapshot) chunks.incrementAndGet();
      return false;
    });
    c.restart(victim);
    c.awaitCondition("a transfer under way", COMMIT, () -> chunks.get() > 40);
    String current = c.awaitLeader(ELECTION);
    c.crash(current);
    c.awaitLeader(ELECTION);
    commitMany(c, 50, "c");
    c.network().reset();
    c.restart(current);
    awaitConverged(c, Duration.ofSeconds(30));
    sameDigest(c);
    assertTrue(chunks.get() > 200, "the snapshot went in many chunks: " + chunks.get());
    c.checkInvariants();
  }

  @Test
  void aDamagedNewestSnapshotFallsBackToAnOlderOneTheLogStillCovers(TestClusters clusters) throws Exception {
    // keep-tail covers more than two snapshot intervals, so the older snapshot is continued by the log.
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, """
        raft.snapshot.entries = 100
        raft.snapshot.keep-tail = 500
        """, StateMachines.digest());
    c.awaitLeader(ELECTION);
    commitMany(c, 700, "a");
    awaitConverged(c, COMMIT);
    String victim = "n1";
    c.crash(victim);
    List<Path> files = snapshotFiles(victim);
    assertEquals(2, files.size(), "two snapshots retained: " + files);
    damage(files.get(files.size() - 1));
    c.restart(victim);
    c.awaitLeader(ELECTION);
    commitMany(c, 50, "b");
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  @Test
  void aNodeWhoseCompactedLogNoSnapshotCoversRefusesToStart(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, AGGRESSIVE, StateMachines.digest());
    c.awaitLeader(ELECTION);
    commitMany(c, 400, "a");
    awaitConverged(c, COMMIT);
    String victim = "n2";
    c.crash(victim);
    assertTrue(c.journal(victim).firstIndex() > 1, "the journal dropped its prefix");
    for (Path p : snapshotFiles(victim)) damage(p);
    c.restart(victim);
    awaitStopped(c, victim, "instead of starting without its state");
    commitMany(c, 10, "b"); // the others go on
  }

  /**
   * The restore of the snapshot a node starts from runs while its journal is still being read; if
   * it fails, the node stops rather than serve without that state, and starts once it can.
   */
  @Test
  void aNodeWhoseSnapshotFailsToRestoreStopsAndStartsOnceItCan(TestClusters clusters) throws Exception {
    java.util.concurrent.atomic.AtomicBoolean failRestores = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.function.Supplier<StateMachine> digest = StateMachines.digest();
    RaftTestCluster c = start(clusters, JournalKind.FILE, AGGRESSIVE, () -> {
      StateMachine inner = digest.get();
      return new StateMachine() {
        @Override
        public byte[] apply(CommittedCommand command) {
          return inner.apply(command);
        }

        @Override
        public void batchApplied() {
          inner.batchApplied();
        }

        @Override
        public Object read(Object query) {
          return inner.read(query);
        }

        @Override
        public Snapshot snapshot() {
          return inner.snapshot();
        }

        @Override
        public void restore(InputStream in) throws IOException {
          if (failRestores.get()) throw new IOException("restore refused by the test");
          inner.restore(in);
        }
      };
    });
    c.awaitLeader(ELECTION);
    commitMany(c, 400, "a");
    awaitConverged(c, COMMIT);
    String victim = "n2";
    c.crash(victim);
    assertFalse(snapshotFiles(victim).isEmpty(), "the node took a snapshot to start from");
    failRestores.set(true);
    c.restart(victim);
    awaitStopped(c, victim, "instead of starting without its snapshot");
    commitMany(c, 10, "b"); // the others go on
    failRestores.set(false);
    c.crash(victim); // it stopped itself; the testkit still counts it as running
    c.restart(victim);
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  /** Snapshots taken while proposals keep arriving do not stop commits or lose any. */
  @Test
  void snapshotsDuringHeavyWritesLoseNothing(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, """
        raft.snapshot.entries = 300
        raft.snapshot.log-ratio = 0
        raft.snapshot.keep-tail = 0
        raft.snapshot.part-size = 1 KiB
        """, () -> new PaddedDigest(100_000));
    c.awaitLeader(ELECTION);
    List<CompletableFuture<ProposeResult>> inFlight = new ArrayList<>();
    int committed = 0;
    for (int i = 0; i < 3000; i++) {
      inFlight.add(c.propose(bytes("w" + i)).toCompletableFuture());
      if (inFlight.size() == 64) committed += drain(inFlight);
    }
    committed += drain(inFlight);
    assertTrue(committed >= 2900, "most of the writes committed: " + committed);
    awaitConverged(c, COMMIT);
    sameDigest(c);
    c.checkInvariants();
  }

  /**
   * raft.snapshot.log-ratio: after a snapshot of a large state, the next one waits until the log
   * since holds that fraction of its size, however many entries passed.
   */
  @Test
  void aLargeStateIsSnapshottedAgainOnlyOnceTheLogHoldsTheRatioOfIt(TestClusters clusters) throws Exception {
    RaftTestCluster c = start(clusters, JournalKind.MEMORY, """
        raft.snapshot.entries = 100
        raft.snapshot.log-ratio = 1.0
        raft.snapshot.keep-tail = 0
        """, () -> new PaddedDigest(60_000));
    c.awaitLeader(ELECTION);
    // 250-byte commands: the first snapshot comes after 100 entries (none before it), the next
    // only once 60 KB more of log were applied (about 230 entries), not after 100 more
    for (int i = 0; i < 300; i++) c.commit(bytes(String.format("%0250d", i)), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      c.awaitCondition(id + " to save its first snapshot", COMMIT, () -> !snapshotFiles(id).isEmpty());
      long newest = newestSnapshotIndex(id);
      assertTrue(newest >= 100 && newest < 250, id + " took one snapshot, near index 100: " + snapshotFiles(id));
    }
    for (int i = 300; i < 500; i++) c.commit(bytes(String.format("%0250d", i)), COMMIT);
    awaitConverged(c, COMMIT);
    for (String id : c.nodeIds()) {
      c.awaitCondition(id + " to take its second snapshot", COMMIT,
          () -> newestSnapshotIndex(id) >= 300);
    }
    sameDigest(c);
    c.checkInvariants();
  }

  /** The index of node {@code id}'s newest snapshot file (its files sort by index). */
  private long newestSnapshotIndex(String id) {
    List<Path> files = snapshotFiles(id);
    String name = files.get(files.size() - 1).getFileName().toString();
    return Long.parseLong(name.substring("snapshot-".length(), "snapshot-".length() + 20));
  }

  private static int drain(List<CompletableFuture<ProposeResult>> inFlight) throws Exception {
    int applied = 0;
    for (CompletableFuture<ProposeResult> f : inFlight) {
      if (f.get(20, TimeUnit.SECONDS) instanceof ProposeResult.Applied) applied++;
    }
    inFlight.clear();
    return applied;
  }

  private static String aFollower(RaftTestCluster c, String leader) {
    return c.nodeIds().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
  }

  /** Waits until node {@code id} has stopped by itself (it answers no status query). */
  private static void awaitStopped(RaftTestCluster c, String id, String why) {
    c.awaitCondition(id + " to stop " + why, COMMIT, () -> {
      try {
        c.status(id);
        return false;
      } catch (RuntimeException e) {
        return true;
      }
    });
  }

  private static void commitMany(RaftTestCluster c, int n, String prefix) {
    for (int i = 0; i < n; i++) c.commit(bytes(prefix + i), COMMIT);
  }

  /** Every running node's digest, once they agree (they must, at the same applied index). */
  private static StateMachines.Digest sameDigest(RaftTestCluster c) {
    List<StateMachines.Digest> seen = new ArrayList<>();
    c.awaitCondition("the same digest on every node", COMMIT, () -> {
      seen.clear();
      for (String id : c.runningNodeIds()) seen.add(digest(c, id));
      return seen.stream().distinct().count() == 1;
    });
    return seen.get(0);
  }

  private static StateMachines.Digest digest(RaftTestCluster c, String id) {
    try {
      ReadResult r = c.read(id, "digest", ReadConsistency.STALE).toCompletableFuture().get(10, TimeUnit.SECONDS);
      if (!(r instanceof ReadResult.Ok ok)) throw new AssertionError(id + ": " + r);
      Object v = ok.value();
      return v instanceof StateMachines.Digest d ? d : ((PaddedDigest.State) v).digest();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Path> snapshotFiles(String id) {
    try (Stream<Path> files = Files.list(tempDir.resolve("snapshots").resolve(id))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".snap")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void damage(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 0x5A;
    Files.write(file, b);
  }

  /**
   * The digest machine with a state of {@code size} more bytes derived from it, so its snapshots
   * take many chunks and parts; restore checks the padding, so a damaged transfer cannot pass.
   */
  static final class PaddedDigest implements StateMachine {
    record State(StateMachines.Digest digest) {}

    private final int size;
    private final StateMachine digest = StateMachines.digest().get();

    PaddedDigest(int size) {
      this.size = size;
    }

    @Override
    public byte[] apply(CommittedCommand command) {
      return digest.apply(command);
    }

    @Override
    public Object read(Object query) {
      return new State((StateMachines.Digest) digest.read(query));
    }

    @Override
    public Snapshot snapshot() {
      StateMachines.Digest d = (StateMachines.Digest) digest.read(null);
      byte[] head = ByteBuffer.allocate(16).putLong(d.applied()).putLong(d.hash()).array();
      return new Snapshot() {
        private int written = -1;

        @Override
        public boolean writeNext(OutputStream out, int maxBytes) throws IOException {
          if (written < 0) {
            out.write(head);
            written = 0;
          }
          int n = Math.min(maxBytes, size - written);
          byte[] part = new byte[n];
          for (int i = 0; i < n; i++) part[i] = pad(d.hash(), written + i);
          out.write(part);
          written += n;
          return written < size;
        }
      };
    }

    @Override
    public void restore(InputStream in) throws IOException {
      byte[] all = in.readAllBytes();
      if (all.length != 16 + size) throw new IOException("padded snapshot of " + all.length + " bytes");
      long hash = ByteBuffer.wrap(all, 8, 8).getLong();
      for (int i = 0; i < size; i++) {
        if (all[16 + i] != pad(hash, i)) throw new IOException("padding damaged at " + i);
      }
      digest.restore(new java.io.ByteArrayInputStream(all, 0, 16));
    }

    private static byte pad(long hash, int i) {
      return (byte) (Long.rotateLeft(hash, i % 64) ^ i);
    }
  }
}
