package io.raftactors.raft.protocol;

import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSerializable;

/**
 * The Raft RPCs exchanged between members. Every message carries the sender's term and stable
 * node id (never an ActorRef as identity); replies travel as messages of their own, addressed by
 * node id through {@link io.raftactors.raft.Peers}.
 */
public sealed interface RaftMessage extends RaftNode.Command, RaftSerializable
    permits RequestVote, VoteResponse, AppendEntries, AppendResponse, InstallSnapshot,
        InstallSnapshotResponse, TimeoutNow {

  /** The sender's term (for a pre-vote request: the term it would campaign in). */
  long term();

  /** The sender's node id. */
  String from();
}
