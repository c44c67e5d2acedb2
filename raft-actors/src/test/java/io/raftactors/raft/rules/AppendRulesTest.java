package io.raftactors.raft.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.log.LogView;
import org.junit.jupiter.api.Test;

class AppendRulesTest {

  @Test
  void matchesAtZeroAndAtAnEntryOfTheSameTerm() {
    LogView log = Logs.of(1, 1, 2);
    assertTrue(AppendRules.check(log, 0, 0).matches());
    assertTrue(AppendRules.check(log, 3, 2).matches());
    assertTrue(AppendRules.check(log, 2, 1).matches());
  }

  @Test
  void tooShortHintsTheNextIndexAfterTheFollowersLast() {
    AppendRules.Check c = AppendRules.check(Logs.of(1, 1), 5, 3);
    assertFalse(c.matches());
    assertEquals(3, c.hintIndex());
    assertEquals(0, c.hintTerm());
  }

  @Test
  void conflictingTermHintsTheFirstIndexOfThatTerm() {
    // index:                          1  2  3  4  5  6
    AppendRules.Check c = AppendRules.check(Logs.of(1, 1, 2, 2, 2, 3), 5, 4);
    assertFalse(c.matches());
    assertEquals(2, c.hintTerm());
    assertEquals(3, c.hintIndex());
  }

  @Test
  void entriesAlreadyHeldAreNotNewSoStaleAppendsNeverTruncate() {
    LogView log = Logs.of(1, 1, 2, 2);
    assertEquals(2, AppendRules.firstNewEntry(log, Logs.entries(2, 1, 2)), "all held");
    assertEquals(2, AppendRules.firstNewEntry(log, Logs.entries(3, 2, 2, 2)), "index 5 is new");
    assertEquals(1, AppendRules.firstNewEntry(log, Logs.entries(2, 1, 3)), "conflict at index 3");
    assertEquals(0, AppendRules.firstNewEntry(log, Logs.entries(5, 2)), "beyond the end");
  }

  @Test
  void followerCommitIsCappedByTheLastNewEntryAndNeverMovesBack() {
    assertEquals(5, AppendRules.followerCommit(2, 9, 5));
    assertEquals(4, AppendRules.followerCommit(2, 4, 5));
    assertEquals(7, AppendRules.followerCommit(7, 9, 5), "a stale message cannot lower it");
  }
}
