package io.raftactors.raft.scenario;

import static io.raftactors.raft.scenario.Scenarios.COMMIT;
import static io.raftactors.raft.scenario.Scenarios.ELECTION;
import static io.raftactors.raft.scenario.Scenarios.await;
import static io.raftactors.raft.scenario.Scenarios.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RejectReason;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Memory and back-pressure limits answer with a retryable rejection instead of growing the heap. */
@ExtendWith(RaftClusterExtension.class)
class LimitsTest {

  @Test
  void aLeaderThatCannotCommitRejectsProposalsPastItsUncommittedLimit(TestClusters clusters) {
    RaftTestCluster c = clusters.start(b -> b.nodes(3)
        .settings("raft.limits.max-uncommitted-bytes = 20 KiB\nraft.limits.max-command-bytes = 8 KiB\n"
            + "raft.check-quorum = off"));
    String leader = c.awaitLeader(ELECTION);
    c.commit(bytes("ok"), COMMIT);
    for (String id : c.nodeIds()) if (!id.equals(leader)) c.network().disconnect(id);

    List<CompletionStage<ProposeResult>> answers = new ArrayList<>();
    for (int i = 0; i < 100; i++) answers.add(c.propose(leader, new byte[1000], Duration.ofSeconds(1)));
    int overloaded = 0;
    for (CompletionStage<ProposeResult> a : answers) {
      ProposeResult r = await(a);
      if (r instanceof ProposeResult.Rejected rej) {
        assertEquals(RejectReason.OVERLOADED, rej.reason());
        overloaded++;
      }
    }
    // About 20 fit under 20 KiB; the rest were refused at once, certainly not applied.
    assertTrue(overloaded >= 75, overloaded + " of 100 rejected");
    assertTrue(c.status(leader).lastLogIndex() < 30, "the leader kept appending");

    c.network().heal();
    c.commit(bytes("after"), COMMIT);
  }

  @Test
  void aCommandLargerThanTheLimitIsRejectedAsTooLarge(TestClusters clusters) {
    RaftTestCluster c = clusters.start(3);
    String leader = c.awaitLeader(ELECTION);
    int max = c.settings().maxCommandBytes();
    ProposeResult r = await(c.propose(leader, new byte[max + 1]));
    assertEquals(RejectReason.TOO_LARGE, assertInstanceOf(ProposeResult.Rejected.class, r).reason());
    assertInstanceOf(ProposeResult.Applied.class, await(c.propose(leader, new byte[max])));
  }
}
