package io.raftactors.raft;

import java.util.List;

/**
 * A point-in-time view of one member.
 *
 * @param leaderId the leader this node currently knows of, or null
 * @param lastApplied highest index applied to the state machine
 * @param firstLogIndex the first index the log holds (entries before it are compacted into a
 *     snapshot), or {@code lastLogIndex + 1} when it holds none
 * @param snapshotIndex the last index the newest snapshot covers (0: none)
 * @param members the voters of the configuration in force at this node
 * @param learners its learners (non-voting members)
 * @param addresses where members are reached, where known
 * @param configIndex the log index of the configuration in force (0: the initial one); it is
 *     committed once {@code commitIndex} reaches it
 * @param matchIndexes on the leader, the highest index known to be in each other member's log
 *     (followers and learners; its replication lag is {@code lastLogIndex} minus that); empty on
 *     the other members
 */
public record NodeStatus(
    String nodeId,
    Role role,
    long term,
    String leaderId,
    long commitIndex,
    long lastApplied,
    long lastLogIndex,
    List<String> members,
    long firstLogIndex,
    long snapshotIndex,
    List<String> learners,
    java.util.Map<String, String> addresses,
    long configIndex,
    java.util.Map<String, Long> matchIndexes)
    implements RaftSerializable {

  public NodeStatus {
    // Absent in a status from a node of an older version (its serialized form lacks the field).
    matchIndexes = matchIndexes == null ? java.util.Map.of() : java.util.Map.copyOf(matchIndexes);
  }

  /** Whether this node votes in the configuration it knows. */
  public boolean isVoter() {
    return members.contains(nodeId);
  }

  /** Whether this node is a learner in the configuration it knows. */
  public boolean isLearner() {
    return learners.contains(nodeId);
  }
}
