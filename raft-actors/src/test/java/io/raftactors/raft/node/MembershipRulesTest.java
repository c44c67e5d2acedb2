package io.raftactors.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftactors.raft.ChangeMembership;
import io.raftactors.raft.ChangeMembership.Kind;
import io.raftactors.raft.Membership;
import io.raftactors.raft.RejectReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a leader may change the membership (dissertation 4.2-4.4). */
class MembershipRulesTest {
  private static final Membership THREE = Membership.ofVoters(List.of("n1", "n2", "n3"), Map.of());

  private static MembershipRules.Decision decide(Kind kind, String id, Membership current, boolean ownTerm,
      boolean committed, long lag) {
    return MembershipRules.decide(new ChangeMembership(kind, id, null, null), current, ownTerm, committed, lag, 100);
  }

  @Test
  void oneChangeAtATimeAndOnlyAfterTheLeaderCommittedInItsTerm() {
    assertEquals(RejectReason.BUSY, decide(Kind.ADD_LEARNER, "n4", THREE, false, true, 0).refusal());
    assertEquals(RejectReason.BUSY, decide(Kind.ADD_LEARNER, "n4", THREE, true, false, 0).refusal());
    assertEquals(THREE.withLearner("n4", null), decide(Kind.ADD_LEARNER, "n4", THREE, true, true, 0).next());
  }

  @Test
  void promotionWaitsForTheLearnerToCatchUp() {
    Membership learner = THREE.withLearner("n4", null);
    assertEquals(RejectReason.BUSY, decide(Kind.PROMOTE, "n4", learner, true, true, 101).refusal());
    assertEquals(RejectReason.BUSY, decide(Kind.PROMOTE, "n4", learner, true, true, Long.MAX_VALUE).refusal());
    assertEquals(List.of("n1", "n2", "n3", "n4"), decide(Kind.PROMOTE, "n4", learner, true, true, 100).next().voters());
  }

  @Test
  void requestsThatDoNotFitAreInvalid() {
    assertEquals(RejectReason.INVALID, decide(Kind.ADD_LEARNER, "n1", THREE, true, true, 0).refusal());
    assertEquals(RejectReason.INVALID, decide(Kind.PROMOTE, "n1", THREE, true, true, 0).refusal());
    assertEquals(RejectReason.INVALID, decide(Kind.PROMOTE, "n9", THREE, true, true, 0).refusal());
    assertEquals(RejectReason.INVALID, decide(Kind.REMOVE, "n9", THREE, true, true, 0).refusal());
    Membership one = Membership.ofVoters(List.of("n1"), Map.of());
    assertEquals(RejectReason.INVALID, decide(Kind.REMOVE, "n1", one, true, true, 0).refusal());
    assertEquals(List.of("n2", "n3"), decide(Kind.REMOVE, "n1", THREE, true, true, 0).next().voters());
  }
}
