package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftClock;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.journal.Journal;
import java.util.function.Supplier;

/**
 * Everything a RaftNode actor is started with (built by {@link io.raftactors.raft.RaftNode#builder}).
 *
 * @param initial the configuration the cluster started with ({@code raft.members}); a node not in
 *     it starts as a non-member and waits for a leader to add it
 * @param randomSeed seeds the randomized election timeouts, so test runs reproduce
 * @param snapshotDir where the node keeps its snapshots; null: it takes none (and cannot receive
 *     any)
 */
public record NodeSetup(
    String nodeId,
    io.raftactors.raft.Membership initial,
    RaftSettings settings,
    Peers peers,
    Supplier<StateMachine> stateMachine,
    Behavior<Journal.Command> journal,
    RaftClock clock,
    long randomSeed,
    java.nio.file.Path snapshotDir) {

  public NodeSetup {
    io.raftactors.raft.Membership.checkId(nodeId);
    if (initial.voters().isEmpty()) throw new IllegalArgumentException("raft.members is empty");
  }
}
