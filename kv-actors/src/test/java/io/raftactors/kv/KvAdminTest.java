package io.raftactors.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.RaftAdmin;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.RejectReason;
import io.raftactors.raft.TransferResult;
import io.raftactors.testkit.RaftClusterExtension;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link KvClient#admin()}: the Java API of membership changes and leadership transfer. */
@ExtendWith(RaftClusterExtension.class)
class KvAdminTest {

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void addsPromotesTransfersToAndRemovesMembersThroughTheClient(TestClusters clusters) throws Exception {
    KvCluster c = KvCluster.start(clusters, 3, b -> b.spareNodes(1));
    c.raft.awaitLeader(Duration.ofSeconds(5));
    try (KvClient kv = c.client()) {
      RaftAdmin<KvCommand> admin = kv.admin();
      await(kv.put("before", "1"));
      await(admin.addVoter("n4", null));
      NodeStatus status = c.raft.leaderView().orElseThrow();
      assertEquals(List.of("n1", "n2", "n3", "n4"), status.members(), status.toString());
      NodeStatus any = await(admin.status()); // some replica's own view
      assertTrue(c.raft.nodeIds().contains(any.nodeId()), any.toString());
      // The new voter has the data and serves it.
      try (KvClient n4 = c.clientOf("n4")) {
        c.raft.awaitCondition("n4 to apply 'before'", Duration.ofSeconds(10), () -> {
          try {
            return await(n4.get(Bytes.of("before"), ReadConsistency.STALE)).isPresent();
          } catch (Exception e) {
            return false;
          }
        });
      }
      TransferResult moved = await(admin.transferLeadership("n4"));
      assertInstanceOf(TransferResult.Transferred.class, moved, moved.toString());
      c.raft.awaitCondition("n4 to lead", Duration.ofSeconds(5), () -> c.raft.leader().orElse("").equals("n4"));
      await(admin.remove("n1"));
      await(kv.put("after", "2"));
      assertEquals(List.of("n2", "n3", "n4"), c.raft.leaderView().orElseThrow().members());

      // Refusals say why, and change nothing.
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(admin.promote("n9")));
      RaftAdmin.AdminException refused = assertInstanceOf(RaftAdmin.AdminException.class, e.getCause());
      assertEquals(RejectReason.INVALID, refused.reason());
      assertTrue(refused.getMessage().contains("n9"), refused.getMessage());
    }
    c.raft.checkInvariants();
  }
}
