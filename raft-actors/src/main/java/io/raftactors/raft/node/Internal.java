package io.raftactors.raft.node;

import io.raftactors.raft.RaftNode;

/** Messages a RaftNode sends itself or receives from its own children; never cross the network. */
sealed interface Internal extends RaftNode.Command {

  /** The election timer fired (followers and candidates). */
  enum ElectionTimeout implements Internal {
    INSTANCE
  }

  /** The leader checks it still hears from a majority (check-quorum). */
  enum CheckQuorumTick implements Internal {
    INSTANCE
  }

  /** A leadership transfer did not complete within an election timeout. */
  enum TransferTimeout implements Internal {
    INSTANCE
  }

  /** A leader removed from the configuration steps down once that is committed. */
  enum StepDown implements Internal {
    INSTANCE
  }

  /** The leader appends the proposals that arrived since the last flush, as one batch. */
  enum FlushProposals implements Internal {
    INSTANCE
  }

  /** The leader starts a read round (lease renewal) and expires reads that waited too long. */
  enum ReadRoundTick implements Internal {
    INSTANCE
  }

  /** The leader sends the read round opened by reads that arrived together. */
  enum FlushReadRound implements Internal {
    INSTANCE
  }

  /** Reads forwarded to the leader are checked for expiry. */
  enum RemoteReadTick implements Internal {
    INSTANCE
  }

  /** Proposals held while no leader is known are checked for expiry. */
  enum LeaderWaitTick implements Internal {
    INSTANCE
  }

  /** The journal made every write up to {@code seq} durable. */
  record JournalAcked(long seq) implements Internal {}

  /** The journal's durable state, read at start. */
  record JournalRecovered(io.raftactors.raft.journal.Journal.Recovered state) implements Internal {}

  /** The applier applied every entry up to {@code index}. */
  record AppliedUpTo(long index) implements Internal {}

  /**
   * A replicator of the leadership in {@code term} ({@code generation}: which of the replicators
   * that term had for the follower, so that one stopped when the follower left is not heard) learned that {@code follower} matches up to
   * {@code matchIndex}; {@code lowered}: it holds less than it had acknowledged (its storage was
   * wiped or lost writes), so the leader must stop counting it for what it lost.
   */
  record ReplicatorProgress(String follower, long term, long generation, long matchIndex, boolean lowered)
      implements Internal {
    public ReplicatorProgress(String follower, long term, long generation, long matchIndex) {
      this(follower, term, generation, matchIndex, false);
    }
  }

  /** The applier saved a snapshot (durable, in place): the log before it may be compacted. */
  record SnapshotSaved(io.raftactors.raft.snapshot.SnapshotStore.Meta meta) implements Internal {}

  /**
   * A replicator of the leadership in {@code term} started ({@code done = false}) or ended
   * sending the snapshot of {@code snapshotIndex} to {@code follower}; while it runs, the leader
   * keeps the log after {@code snapshotIndex}, so the follower can go on from there.
   */
  record InstallProgress(String follower, long term, long generation, long snapshotIndex, boolean done)
      implements Internal {}

  /** The writer of a snapshot this node receives from its leader answered. */
  record ReceivedPart(io.raftactors.raft.snapshot.SnapshotWriter.Reply reply) implements Internal {}

  /**
   * At start: the snapshot to restore (its meta null: none), chosen while the journal is read, or
   * why the node cannot start.
   */
  record SnapshotChosen(SnapshotRecovery.Choice choice, Throwable failure) implements Internal {}
}
