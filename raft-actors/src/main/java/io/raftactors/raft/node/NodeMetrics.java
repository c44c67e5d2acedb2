package io.raftactors.raft.node;

import io.raftactors.raft.Role;
import io.raftactors.raft.metrics.Counter;
import io.raftactors.raft.metrics.Gauge;
import io.raftactors.raft.metrics.MetricRegistry;

/**
 * What a RaftNode records in its {@link MetricRegistry}: events as counters, its state (term,
 * indexes, role) as gauges kept current by {@link #refresh} wherever that state changes. Looked up
 * once per incarnation, so recording is an add or a set; the registry outlives a restart in the
 * same process, so counters keep growing across it. Owned by the node's actor.
 */
final class NodeMetrics {
  private final Counter proposals;
  private final Counter committed;
  private final Counter elections;
  private final Counter preVotes;
  private final Counter leaderChanges;
  private final Gauge term;
  private final Gauge commitIndex;
  private final Gauge appliedIndex;
  private final Gauge lastLogIndex;
  private final Gauge applyLag;
  private final Gauge isLeader;
  private final Gauge snapshotIndex;
  final MessageCounters messages;
  /** The last leader this incarnation knew of (null: none yet). */
  private String knownLeader;

  NodeMetrics(MetricRegistry r) {
    proposals = r.counter("raft_proposals_total", "Log entries this node appended as leader for proposals.");
    committed = r.counter("raft_committed_entries_total", "Log entries this node learned are committed.");
    elections = r.counter("raft_elections_total", "Times this node became a candidate (elections it started).");
    preVotes = r.counter("raft_pre_votes_total", "Times this node became a pre-candidate (pre-vote rounds).");
    leaderChanges = r.counter("raft_leader_changes_total",
        "Times the leader this node knows changed to another (the first leader it learns of counts).");
    term = r.gauge("raft_term", "The current term of this node.");
    commitIndex = r.gauge("raft_commit_index", "The highest log index this node knows is committed.");
    appliedIndex = r.gauge("raft_applied_index", "The highest log index applied to this node's state machine.");
    lastLogIndex = r.gauge("raft_last_log_index", "The index of the last entry of this node's log.");
    applyLag = r.gauge("raft_apply_lag_entries", "Committed entries not yet applied (commit index - applied index).");
    isLeader = r.gauge("raft_is_leader", "1 while this node is the leader, else 0.");
    snapshotIndex = r.gauge("raft_snapshot_index", "The index of the newest snapshot this node holds (0: none).");
    messages = new MessageCounters(r);
  }

  void proposed(int entries) {
    proposals.add(entries);
  }

  void committed(long entries) {
    committed.add(entries);
  }

  void campaigned() {
    elections.increment();
  }

  void preVoted() {
    preVotes.increment();
  }

  /** The node stopped (a crash in the same process, or shutdown): it leads no more. */
  void stopped() {
    isLeader.set(0);
  }

  /** Sets the gauges from the node's state; counts a change of known leader. */
  void refresh(NodeContext ctx) {
    if (ctx.leaderId != null && !ctx.leaderId.equals(knownLeader)) {
      knownLeader = ctx.leaderId;
      leaderChanges.increment();
    }
    term.set(ctx.currentTerm);
    long commit = ctx.commitIndex.get();
    long applied = ctx.lastApplied.get();
    commitIndex.set(commit);
    appliedIndex.set(applied);
    applyLag.set(Math.max(0, commit - applied));
    lastLogIndex.set(ctx.log.lastIndex());
    isLeader.set(ctx.role != null && ctx.role.role() == Role.LEADER ? 1 : 0);
    snapshotIndex.set(ctx.latestSnapshot == null ? 0 : ctx.latestSnapshot.index());
  }
}
