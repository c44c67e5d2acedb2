package io.raftactors.raft.node;

import akka.actor.typed.Behavior;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftClock;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.journal.Journal;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a RaftNode actor is started with (built by {@link io.raftactors.raft.RaftNode#builder}).
 *
 * @param members the voting members, including {@code nodeId}
 * @param randomSeed seeds the randomized election timeouts, so test runs reproduce
 * @param snapshotDir where the node keeps its snapshots; null: it takes none (and cannot receive
 *     any)
 */
public record NodeSetup(
    String nodeId,
    List<String> members,
    RaftSettings settings,
    Peers peers,
    Supplier<StateMachine> stateMachine,
    Behavior<Journal.Command> journal,
    RaftClock clock,
    long randomSeed,
    java.nio.file.Path snapshotDir) {

  public NodeSetup {
    members = List.copyOf(members);
    if (!members.contains(nodeId)) {
      throw new IllegalArgumentException(
          "raft.members " + members + " does not contain this node's id '" + nodeId + "'");
    }
    for (String id : members) {
      if (id.isBlank() || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
          > io.raftactors.raft.protocol.RaftMessageSerializer.MAX_ID_BYTES) {
        throw new IllegalArgumentException(
            "raft.members: node id '" + id + "' must be 1 to "
                + io.raftactors.raft.protocol.RaftMessageSerializer.MAX_ID_BYTES + " bytes");
      }
    }
    if (members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("raft.members has duplicate ids: " + members);
    }
  }
}
