package io.raftactors.raft;

import java.util.List;

/**
 * A point-in-time view of one member.
 *
 * @param leaderId the leader this node currently knows of, or null
 * @param lastApplied highest index applied to the state machine
 */
public record NodeStatus(
    String nodeId,
    Role role,
    long term,
    String leaderId,
    long commitIndex,
    long lastApplied,
    long lastLogIndex,
    List<String> members)
    implements RaftSerializable {}
