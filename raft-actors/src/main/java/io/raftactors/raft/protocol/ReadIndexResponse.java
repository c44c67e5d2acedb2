package io.raftactors.raft.protocol;

import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSerializable;

/**
 * The leader's answer to a {@link ReadIndexRequest}: serve the read once applied up to {@code
 * index}; or, with {@code ok} false, the leader could not confirm it leads ({@code reason}).
 */
public record ReadIndexResponse(String from, long id, long index, boolean ok, String reason)
    implements RaftNode.Command, RaftSerializable {}
