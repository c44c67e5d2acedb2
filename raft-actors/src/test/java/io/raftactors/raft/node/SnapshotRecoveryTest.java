package io.raftactors.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRecoveryTest {
  @TempDir Path dir;

  private SnapshotStore.Meta save(long index) throws IOException {
    SnapshotStore.Writer w = new SnapshotStore(dir).begin(index, 2);
    w.body().write(("state at " + index).getBytes());
    return w.commit();
  }

  private static void damage(SnapshotStore.Meta meta) throws IOException {
    byte[] b = Files.readAllBytes(meta.path());
    b[30] ^= 1;
    Files.write(meta.path(), b);
  }

  @Test
  void theNewestValidSnapshotTheJournalContinuesIsChosen() throws IOException {
    save(100);
    SnapshotStore.Meta newest = save(200);
    assertEquals(newest, choose(dir, 150).meta());
    assertEquals(newest, choose(dir, 201).meta(), "the journal starts right after it");
    assertEquals(newest, choose(dir, 1).meta());
  }

  @Test
  void aDamagedNewestFallsBackWhenTheJournalCoversTheGap() throws IOException {
    SnapshotStore.Meta older = save(100);
    damage(save(200));
    assertEquals(older, choose(dir, 101).meta());
  }

  @Test
  void aDamagedNewestWithAGapTheJournalDoesNotCoverRefusesToStart() throws IOException {
    save(100);
    damage(save(200));
    IOException e = assertThrows(SnapshotRecovery.UnrecoverableException.class,
        () -> choose(dir, 180));
    assertTrue(e.getMessage().contains("journal starts at index 180"), e.getMessage());
    assertTrue(e.getMessage().contains("damaged"), e.getMessage());
  }

  @Test
  void aCompactedJournalWithoutAnySnapshotRefusesToStart() throws IOException {
    assertThrows(SnapshotRecovery.UnrecoverableException.class, () -> choose(dir, 50));
    assertNull(choose(dir, 1).meta(), "a whole journal needs no snapshot");
    damage(save(10));
    assertNull(choose(dir, 1).meta(), "a damaged one is skipped when the journal is whole");
  }

  /** What a restart does: the newest valid snapshot, checked against the journal's first index. */
  private static SnapshotRecovery.Choice choose(Path dir, long journalFirstIndex) throws IOException {
    SnapshotRecovery.Choice choice = SnapshotRecovery.newestValid(dir);
    SnapshotRecovery.checkContinues(choice, journalFirstIndex);
    return choice;
  }
}
