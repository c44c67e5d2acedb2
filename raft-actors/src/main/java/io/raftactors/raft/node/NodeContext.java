package io.raftactors.raft.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.TimerScheduler;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.RaftClock;
import io.raftactors.raft.RaftEvent;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.Role;
import io.raftactors.raft.log.LogEntry;
import io.raftactors.raft.log.RaftLog;
import io.raftactors.raft.protocol.RaftMessage;
import io.raftactors.raft.rules.VoteRules;
import io.raftactors.raft.snapshot.SnapshotStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;

/**
 * The state and effects shared by all roles of one node, owned by its RaftNode actor and handed
 * from role to role (never shared with another actor). Persistent state (term, vote, log) changes
 * only through methods that also write the journal.
 */
final class NodeContext {
  static final String ELECTION_TIMER = "election";
  static final String CHECK_QUORUM_TIMER = "check-quorum";
  static final String LEADER_WAIT_TIMER = "leader-wait";
  static final String READ_ROUND_TIMER = "read-round";
  static final String REMOTE_READ_TIMER = "remote-read";
  static final String TRANSFER_TIMER = "transfer";

  final ActorContext<RaftNode.Command> actor;
  final TimerScheduler<RaftNode.Command> timers;
  final RaftSettings settings;
  final String selfId;
  /** The configurations the log holds; the latest is in force. */
  final Configurations configs;
  /** Voting members of the configuration in force, in a stable order (this node may be one). */
  List<String> voters;
  /** Voting members other than this node. */
  List<String> peerIds;
  /** Leadership transfers this node accepted as leader, answered once a new term begins. */
  final List<akka.actor.typed.ActorRef<io.raftactors.raft.TransferResult>> transferWaiters =
      new java.util.ArrayList<>();
  /** The term in which this node accepted the transfers in {@link #transferWaiters}. */
  long transferTerm;

  final RaftClock clock;
  final RaftLog log = new RaftLog();
  final JournalWriter journal;
  final Roles roles;
  final WaitingProposals waiting;
  final RemoteReads remoteReads;
  final ActorRef<Applier.Command> applier;
  /** The node's snapshots; null when it keeps none. */
  final SnapshotStore snapshots;
  /** The newest snapshot saved or installed (what a leader sends), or null. */
  SnapshotStore.Meta latestSnapshot;
  /** Snapshots this node receives from its leader. */
  final SnapshotReceiver receiver;

  final io.raftactors.raft.Peers peers;
  /** Election-timeout randomness; SplittableRandom mixes its seed, so nearby seeds (node ids) still diverge. */
  private final SplittableRandom random;

  /** Latest term this node has seen (persistent). */
  long currentTerm;
  /** Candidate voted for in currentTerm, or null (persistent). */
  String votedFor;
  /** The leader of currentTerm as far as this node knows, or null. */
  String leaderId;
  /** Highest index known committed; only grows. */
  final MonotonicIndex commitIndex;
  /** Highest index the applier reported applied; only grows. */
  final MonotonicIndex lastApplied;
  /** The node's metrics (its gauges follow the two indexes above). */
  final NodeMetrics metrics;
  /** When this node last heard from the leader of its term (clock.nanoTime()). */
  long lastLeaderContactNanos;
  /** The role currently in charge; set by {@link Roles} only. */
  RoleBehavior role;

  /** When this incarnation started (see {@link #hearsFromLeader()}). */
  private final long startedNanos;
  private long electionTimeoutNanos;
  private long electionDeadlineNanos;

  NodeContext(
      ActorContext<RaftNode.Command> actor,
      TimerScheduler<RaftNode.Command> timers,
      NodeSetup setup,
      JournalWriter journal,
      ActorRef<Applier.Command> applier,
      SnapshotStore snapshots) {
    this.actor = actor;
    this.timers = timers;
    this.settings = setup.settings();
    this.selfId = setup.nodeId();
    this.metrics = new NodeMetrics(io.raftactors.raft.metrics.RaftMetrics.get(actor.getSystem()).node(selfId));
    this.commitIndex = new MonotonicIndex("commitIndex", () -> metrics.refresh(this));
    this.lastApplied = new MonotonicIndex("lastApplied", () -> metrics.refresh(this));
    this.configs = new Configurations(setup.initial());
    this.peers = setup.peers();
    useMembership(setup.initial());
    this.clock = setup.clock();
    this.random = new SplittableRandom(setup.randomSeed());
    this.journal = journal;
    this.applier = applier;
    this.snapshots = snapshots;
    this.receiver = new SnapshotReceiver(this);
    this.roles = new Roles(this);
    this.waiting = new WaitingProposals(this);
    this.remoteReads = new RemoteReads(this);
    this.startedNanos = clock.nanoTime();
    this.lastLeaderContactNanos = clock.nanoTime() - settings.electionTimeoutMax().toNanos();
  }

  Logger logger() {
    return actor.getLog();
  }

  // ---- persistent state -------------------------------------------------------------------

  /** Moves to a higher term with no vote cast in it; the change is written to the journal. */
  void enterTerm(long term) {
    if (term <= currentTerm) {
      throw new IllegalStateException("term must grow: " + currentTerm + " -> " + term);
    }
    currentTerm = term;
    votedFor = null;
    leaderId = null;
    receiver.abandonOlderThan(term);
    journal.saveTermVote(term, null);
  }

  /** Records this node's vote in the current term; returns the journal write's sequence number. */
  long voteFor(String candidate) {
    if (votedFor != null && !votedFor.equals(candidate)) {
      throw new IllegalStateException(
          "already voted for " + votedFor + " in term " + currentTerm + ", not " + candidate);
    }
    votedFor = candidate;
    return journal.saveTermVote(currentTerm, candidate);
  }

  void appendToLog(List<LogEntry> entries) {
    if (entries.isEmpty()) return;
    log.append(entries);
    journal.append(entries);
    if (configs.appended(entries)) membershipChanged();
    metrics.refresh(this);
  }

  void truncateLogFrom(long index) {
    if (index <= commitIndex.get()) {
      throw new IllegalStateException(
          "refusing to truncate committed entry " + index + " (commitIndex " + commitIndex.get()
              + ")");
    }
    log.truncateFrom(index);
    journal.truncateFrom(index);
    if (configs.truncatedFrom(index)) membershipChanged();
    metrics.refresh(this);
  }

  // ---- membership -------------------------------------------------------------------------

  /** The configuration in force: the latest in the log. */
  io.raftactors.raft.Membership membership() {
    return configs.current();
  }

  boolean isVoter() {
    return voters.contains(selfId);
  }

  /** The configuration in force changed: every role sees the new one from now on. */
  void membershipChanged() {
    io.raftactors.raft.Membership m = configs.current();
    useMembership(m);
    logger().info("[{}] configuration at index {}: {}", selfId, configs.currentIndex(), m);
    actor.getSystem().eventStream().tell(new EventStream.Publish<>(
        new RaftEvent.MembershipChanged(selfId, configs.currentIndex(), m)));
    if (role != null) role.onMembershipChanged();
  }

  private void useMembership(io.raftactors.raft.Membership m) {
    voters = m.voters();
    peerIds = voters.stream().filter(id -> !id.equals(selfId)).toList();
    peers.membershipChanged(m);
  }

  // ---- snapshots --------------------------------------------------------------------------

  /**
   * At start: the state is the snapshot {@code meta} (the log already starts after it), which the
   * applier was told to restore; lastApplied follows once it is restored.
   */
  void snapshotRestoring(SnapshotStore.Meta meta) {
    latestSnapshot = meta;
    commitIndex.advanceTo(meta.index());
  }

  /**
   * A verified snapshot file was saved that the node does not install (it already holds that
   * much): it is still the newest to send, and retention may have deleted older ones.
   */
  void snapshotFileSaved(SnapshotStore.Meta meta) {
    if (latestSnapshot == null || meta.index() > latestSnapshot.index()) latestSnapshot = meta;
    metrics.refresh(this);
  }

  /**
   * The applier saved a snapshot: compact the log up to {@code keep-tail} entries before it, but
   * never past {@code floor} (what an install in progress still needs after its snapshot).
   */
  void snapshotSaved(SnapshotStore.Meta meta, long floor) {
    if (latestSnapshot == null || meta.index() > latestSnapshot.index()) latestSnapshot = meta;
    long upTo = Math.min(Math.min(meta.index() - settings.snapshotKeepTail(), floor), log.lastIndex());
    if (upTo > log.firstIndex() - 1) {
      log.compactTo(upTo);
      configs.compactedTo(upTo);
      journal.removePrefix(upTo);
      logger().debug("[{}] compacted the log up to {}", selfId, upTo);
    }
    metrics.refresh(this);
  }

  /**
   * A snapshot received from the leader is durable and verified: make it the node's state, unless
   * the node already holds that much (then it is only kept as a file).
   */
  void installSnapshot(SnapshotStore.Meta meta, SnapshotConfig config) {
    long s = meta.index();
    if (s <= commitIndex.get()) {
      logger().info("[{}] snapshot {} arrived after the node reached commit index {}; not installed",
          selfId, s, commitIndex.get());
      snapshotFileSaved(meta);
      return;
    }
    if (latestSnapshot == null || s > latestSnapshot.index()) latestSnapshot = meta;
    if (log.lastIndex() >= s && log.term(s) == meta.term()) {
      log.compactTo(s); // the log continues the snapshot: keep what follows it
      journal.removePrefix(s);
      configs.compactedTo(s);
    } else {
      log.resetTo(s, meta.term());
      journal.resetTo(s);
      // The log's configurations went with it; the snapshot's is in force (an older snapshot
      // without one leaves the one below the log in force).
      if (config == null) {
        logger().warn("[{}] snapshot {} carries no configuration (an older file)", selfId, s);
        configs.resetTo(s, null);
      } else {
        configs.resetTo(config.index(), config.membership());
      }
      membershipChanged();
    }
    logger().info("[{}] installed snapshot at index {} (term {}); the log now ends at {}",
        selfId, s, meta.term(), log.lastIndex());
    applier.tell(new Applier.Restore(meta));
    advanceCommit(s);
  }

  // ---- volatile state ---------------------------------------------------------------------

  void advanceCommit(long index) {
    long before = commitIndex.get();
    if (commitIndex.advanceTo(index)) {
      metrics.committed(index - before);
      applier.tell(new Applier.CommitTo(log.view(), index));
    }
  }

  /** Records the leader of the current term and that it was heard from now. */
  void heardFromLeader(String leader) {
    lastLeaderContactNanos = clock.nanoTime();
    if (!Objects.equals(leader, leaderId)) {
      leaderId = leader;
      publishRole();
    }
  }

  /**
   * Whether this node believes a live leader exists: it leads, or heard from the leader within
   * the minimum election timeout. Such a node refuses pre-votes and, with check-quorum, ignores
   * vote requests of a higher term (dissertation 4.2.3).
   */
  boolean hearsFromLeader() {
    if (role != null && role.role() == Role.LEADER) return true;
    long min = settings.electionTimeoutMin().toNanos();
    long now = clock.nanoTime();
    // A restarted node may have heard from a leader just before it crashed; that leader may be
    // serving lease reads on the strength of it. So for one minimum election timeout after a
    // start, it acts as if it had.
    if (settings.checkQuorum() && now - startedNanos < min) return true;
    return leaderId != null && now - lastLeaderContactNanos < min;
  }

  long unappliedBytes() {
    return log.bytesBetween(lastApplied.get(), log.lastIndex());
  }

  int quorum() {
    return VoteRules.quorum(voters.size());
  }

  // ---- effects ----------------------------------------------------------------------------

  void send(String nodeId, RaftNode.Command message) {
    if (peers.trySend(nodeId, message)) {
      if (message instanceof RaftMessage m) metrics.messages.sent(nodeId, m);
    } else if (unreachableLogged.add(nodeId)) {
      logger().warn("[{}] no way to reach {} (no address for it); messages to it are dropped", selfId, nodeId);
    }
  }

  /** Members this node found no way to reach, logged once each. */
  private final java.util.Set<String> unreachableLogged = new java.util.HashSet<>();

  /** Sends once every journal write issued so far is durable. */
  void sendDurably(String nodeId, RaftMessage message) {
    journal.whenDurable(() -> send(nodeId, message));
  }

  /** Starts the election timer with a fresh random timeout in [min, max]. */
  void startElectionTimer() {
    long min = settings.electionTimeoutMin().toNanos();
    long max = settings.electionTimeoutMax().toNanos();
    electionTimeoutNanos = min + (max > min ? (long) (random.nextDouble() * (max - min)) : 0);
    electionDeadlineNanos = clock.nanoTime() + electionTimeoutNanos;
    timers.startSingleTimer(
        ELECTION_TIMER, Internal.ElectionTimeout.INSTANCE, Duration.ofNanos(electionTimeoutNanos));
  }

  /**
   * Moves the election deadline a full timeout from now without touching the timer (cheap enough
   * for every AppendEntries); {@link #electionTimerExpired} re-arms the timer when it fires early.
   */
  void extendElectionDeadline() {
    electionDeadlineNanos = clock.nanoTime() + electionTimeoutNanos;
  }

  /**
   * Called when the election timer fires: true if the deadline has really passed, otherwise
   * re-arms the timer for the time left and returns false.
   */
  boolean electionTimerExpired() {
    long left = electionDeadlineNanos - clock.nanoTime();
    if (left <= 0) return true;
    timers.startSingleTimer(ELECTION_TIMER, Internal.ElectionTimeout.INSTANCE, Duration.ofNanos(left));
    return false;
  }

  /** The term of the leader whose entries the clock samples below were measured on. */
  private long leaderClockTerm;
  /**
   * The least (this clock - entry timestamp) over the entries of that leader that arrived in the
   * current second and in the one before: recent, so that a clock that was stepped is followed.
   */
  private long leaderClockWindowMin = Long.MAX_VALUE;
  private long leaderClockPreviousMin = Long.MAX_VALUE;
  private long leaderClockWindowStart;

  /** Measures this node's wall clock against the current leader's, on entries it just sent. */
  void sampleLeaderClock(List<LogEntry> entries) {
    long nanos = clock.nanoTime();
    if (leaderClockTerm != currentTerm) {
      leaderClockTerm = currentTerm;
      leaderClockWindowMin = Long.MAX_VALUE;
      leaderClockPreviousMin = Long.MAX_VALUE;
      leaderClockWindowStart = nanos;
    } else if (nanos - leaderClockWindowStart > 1_000_000_000L) {
      leaderClockPreviousMin = leaderClockWindowMin;
      leaderClockWindowMin = Long.MAX_VALUE;
      leaderClockWindowStart = nanos;
    }
    long now = clock.currentTimeMillis();
    for (LogEntry e : entries) {
      if (e.term() == currentTerm) leaderClockWindowMin = Math.min(leaderClockWindowMin, now - e.timestamp());
    }
  }

  /** Tells the event stream how far ahead of the previous leader's this new leader's clock is. */
  void publishLeaderClock() {
    long min = Math.min(leaderClockWindowMin, leaderClockPreviousMin);
    long ahead = leaderClockTerm < currentTerm && min != Long.MAX_VALUE ? min : 0;
    actor.getSystem().eventStream()
        .tell(new EventStream.Publish<>(new RaftEvent.LeaderClock(selfId, currentTerm, Math.max(0, ahead))));
  }

  void publishRole() {
    metrics.refresh(this);
    Role r = role == null ? Role.RECOVERING : role.role();
    actor.getSystem()
        .eventStream()
        .tell(new EventStream.Publish<>(new RaftEvent.RoleChanged(selfId, r, currentTerm, leaderId)));
  }

  /** @param matchIndexes the leader's view of its followers (empty on other roles) */
  NodeStatus status(java.util.Map<String, Long> matchIndexes) {
    return new NodeStatus(
        selfId,
        role.role(),
        currentTerm,
        leaderId,
        commitIndex.get(),
        lastApplied.get(),
        log.lastIndex(),
        voters,
        log.firstIndex(),
        latestSnapshot == null ? 0 : latestSnapshot.index(),
        membership().learners(),
        membership().addresses(),
        configs.currentIndex(),
        matchIndexes);
  }
}
