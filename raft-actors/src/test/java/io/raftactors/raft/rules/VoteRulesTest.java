package io.raftactors.raft.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VoteRulesTest {

  @Test
  void higherLastTermWinsRegardlessOfLength() {
    assertTrue(VoteRules.isUpToDate(3, 1, 2, 100));
    assertFalse(VoteRules.isUpToDate(2, 100, 3, 1));
  }

  @Test
  void equalLastTermsCompareLength() {
    assertTrue(VoteRules.isUpToDate(2, 5, 2, 5));
    assertTrue(VoteRules.isUpToDate(2, 6, 2, 5));
    assertFalse(VoteRules.isUpToDate(2, 4, 2, 5));
  }

  @Test
  void emptyLogsAreUpToDateWithEachOther() {
    assertTrue(VoteRules.isUpToDate(0, 0, 0, 0));
    assertFalse(VoteRules.isUpToDate(0, 0, 1, 1));
  }

  @Test
  void oneVotePerTerm() {
    assertTrue(VoteRules.grantVote(null, "a", 1, 1, 1, 1));
    assertTrue(VoteRules.grantVote("a", "a", 1, 1, 1, 1), "a repeated request gets the same answer");
    assertFalse(VoteRules.grantVote("b", "a", 1, 1, 1, 1));
    assertFalse(VoteRules.grantVote(null, "a", 1, 1, 2, 1), "election restriction");
  }

  @Test
  void preVoteNeedsAHigherTermAnUpToDateLogAndNoLiveLeader() {
    assertTrue(VoteRules.grantPreVote(5, 4, false, 1, 1, 1, 1));
    assertFalse(VoteRules.grantPreVote(4, 4, false, 1, 1, 1, 1), "not beyond the voter's term");
    assertFalse(VoteRules.grantPreVote(5, 4, true, 1, 1, 1, 1), "voter hears from a leader");
    assertFalse(VoteRules.grantPreVote(5, 4, false, 1, 1, 2, 1), "stale log");
  }

  @Test
  void quorumIsAStrictMajority() {
    assertEquals(1, VoteRules.quorum(1));
    assertEquals(2, VoteRules.quorum(2));
    assertEquals(2, VoteRules.quorum(3));
    assertEquals(3, VoteRules.quorum(4));
    assertEquals(3, VoteRules.quorum(5));
    assertEquals(4, VoteRules.quorum(7));
  }
}
