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
    long snapshotIndex)
    implements RaftSerializable {}
