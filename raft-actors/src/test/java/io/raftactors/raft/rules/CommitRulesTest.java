package io.raftactors.raft.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftactors.raft.log.LogView;
import org.junit.jupiter.api.Test;

class CommitRulesTest {

  @Test
  void quorumIndexIsWhatAMajorityHolds() {
    assertEquals(5, CommitRules.quorumIndex(new long[] {5}));
    assertEquals(3, CommitRules.quorumIndex(new long[] {5, 3, 1}));
    assertEquals(3, CommitRules.quorumIndex(new long[] {1, 3, 5, 3, 0}));
    assertEquals(1, CommitRules.quorumIndex(new long[] {9, 1, 1, 9}), "4 voters need 3");
    assertEquals(4, CommitRules.quorumIndex(new long[] {4, 4, 4, 9}));
  }

  @Test
  void commitsByCountingOnlyAnEntryOfTheCurrentTerm() {
    LogView log = Logs.of(1, 2, 4); // Figure 8 (c): index 2 is from term 2, index 3 from term 4
    assertEquals(1, CommitRules.advance(1, 2, log, 4), "term-2 entry on a majority is not committed");
    assertEquals(3, CommitRules.advance(1, 3, log, 4), "its own entry commits everything before it");
  }

  @Test
  void neverMovesBackwards() {
    assertEquals(3, CommitRules.advance(3, 2, Logs.of(1, 1, 1), 1));
  }

  @Test
  void aQuorumBeyondTheLeadersLogIsABug() {
    assertThrows(IllegalStateException.class, () -> CommitRules.advance(0, 5, Logs.of(1), 1));
  }
}
