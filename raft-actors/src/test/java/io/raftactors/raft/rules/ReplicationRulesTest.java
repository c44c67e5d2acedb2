package io.raftactors.raft.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.log.LogView;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplicationRulesTest {

  @Test
  void followerTooShortContinuesAfterItsLastEntry() {
    LogView leader = Logs.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    assertEquals(4, ReplicationRules.nextIndexAfterReject(leader, 0, 10, 4, 0));
  }

  @Test
  void conflictingTermTheLeaderAlsoHasContinuesAfterTheLeadersLastOfIt() {
    // leader: 1 1 2 2 3 3 ; follower: 1 1 2 2 2 2 2 (rejects prev=6 with term 2, first index 3)
    LogView leader = Logs.of(1, 1, 2, 2, 3, 3);
    assertEquals(5, ReplicationRules.nextIndexAfterReject(leader, 0, 6, 3, 2));
  }

  @Test
  void conflictingTermTheLeaderNeverHadSkipsTheWholeTerm() {
    // leader: 1 1 4 4 4 ; follower: 1 1 2 2 3 3 3 (rejects prev=5 with term 3, first index 5)
    LogView leader = Logs.of(1, 1, 4, 4, 4);
    assertEquals(5, ReplicationRules.nextIndexAfterReject(leader, 0, 5, 5, 3));
  }

  @Test
  void staysBetweenMatchAndTheRejectedIndex() {
    LogView leader = Logs.of(1, 1, 1, 1, 1);
    assertEquals(4, ReplicationRules.nextIndexAfterReject(leader, 3, 5, 1, 0), "never below match + 1");
    assertEquals(5, ReplicationRules.nextIndexAfterReject(leader, 0, 5, 9, 0), "never above the rejected index");
  }

  /**
   * Property: for random leader and follower logs that share a prefix, repeatedly applying the
   * follower's rejection hints reaches the point where the logs match, in at most as many rounds
   * as there are distinct terms in the follower's divergent suffix plus one.
   */
  @Test
  void hintsReachTheMatchPointQuicklyForRandomDivergentLogs() {
    Random random = new Random(42);
    for (int trial = 0; trial < 2000; trial++) {
      // A shared prefix, then suffixes written by different leaders: the leader's suffix uses
      // even terms and the follower's odd ones, so no (index, term) pair names two entries.
      int common = random.nextInt(20);
      long[] prefix = suffix(random, new long[0], common, 1, 1);
      long base = common == 0 ? 2 : prefix[common - 1] + 1;
      long[] leaderTerms = suffix(random, prefix, random.nextInt(60), base + base % 2, 2);
      long[] followerTerms = suffix(random, prefix, random.nextInt(60), base + 1 - base % 2, 2);
      LogView leader = Logs.of(leaderTerms);
      LogView follower = Logs.of(followerTerms);

      long next = leader.lastIndex() + 1;
      int rounds = 0;
      while (true) {
        long prev = next - 1;
        AppendRules.Check c = AppendRules.check(follower, prev, leader.term(prev));
        if (c.matches()) break;
        next = ReplicationRules.nextIndexAfterReject(leader, 0, prev, c.hintIndex(), c.hintTerm());
        assertTrue(next <= prev, "no progress");
        rounds++;
        assertTrue(rounds < 100, "did not converge");
      }
      long distinctTerms = java.util.Arrays.stream(followerTerms).skip(common).distinct().count();
      assertTrue(rounds <= distinctTerms + 2,
          "took " + rounds + " rounds for " + distinctTerms + " divergent terms");
      // The match point is at most the common prefix... or beyond it only where terms agree.
      for (long i = 1; i < next; i++) assertEquals(leader.term(i), follower.term(i));
    }
  }

  /** {@code prefix} followed by {@code extra} entries with terms from {@code first}, step {@code step}. */
  private static long[] suffix(Random r, long[] prefix, int extra, long first, long step) {
    long[] t = java.util.Arrays.copyOf(prefix, prefix.length + extra);
    long term = first;
    for (int i = prefix.length; i < t.length; i++) {
      if (i > prefix.length && r.nextInt(3) == 0) term += step;
      t[i] = term;
    }
    return t;
  }
}
