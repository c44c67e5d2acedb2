package io.raftactors.raft.protocol;

import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSerializable;

/**
 * A follower asks the leader for a read index (Raft dissertation 6.4): the commit index at which
 * a linearizable read may be served, confirmed by a heartbeat round (or, with {@code lease}, by
 * the leader's lease).
 */
public record ReadIndexRequest(String from, long id, boolean lease)
    implements RaftNode.Command, RaftSerializable {}
