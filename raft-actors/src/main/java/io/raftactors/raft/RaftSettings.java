package io.raftactors.raft;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.raftactors.raft.log.LogEntry;
import java.time.Duration;

/**
 * The settings of a Raft node, read from the {@code raft} section of the configuration (see this
 * module's {@code reference.conf} for what every key means). Validated at construction: a bad
 * value fails with an error naming the key.
 */
public record RaftSettings(
    Duration electionTimeoutMin,
    Duration electionTimeoutMax,
    Duration heartbeatInterval,
    boolean preVote,
    boolean checkQuorum,
    double leaseClockDrift,
    Duration readTimeout,
    int maxEntriesPerAppend,
    long maxBytesPerAppend,
    int maxInflightAppends,
    long maxInflightBytes,
    Duration resendTimeout,
    Duration maxBackoff,
    int maxCommandBytes,
    long maxUncommittedBytes,
    long maxUnappliedBytes,
    int maxWaitingProposals,
    Duration leaderWaitTimeout,
    int maxForwardHops,
    String journalPlugin,
    String journalDispatcher,
    String applierDispatcher,
    int applierMaxBatch,
    int recoveryStashCapacity,
    long snapshotEntries,
    long snapshotBytes,
    double snapshotLogRatio,
    int snapshotPartBytes,
    long snapshotKeepTail,
    int snapshotRetain,
    String snapshotDir,
    int installChunkBytes,
    int installMaxInflightChunks,
    String snapshotDispatcher,
    long snapshotMaxWriteRate,
    long promoteMaxLag) {

  /** Room an AppendEntries needs beyond its entries: term, ids, indexes, framing. */
  public static final int APPEND_HEADER_BYTES = 512;

  public RaftSettings {
    require(promoteMaxLag >= 0, "raft.membership.promote-max-lag", "must be >= 0");
    require(!electionTimeoutMin.isNegative() && !electionTimeoutMin.isZero(),
        "raft.election-timeout-min", "must be positive");
    require(electionTimeoutMax.compareTo(electionTimeoutMin) >= 0,
        "raft.election-timeout-max", "must be >= raft.election-timeout-min");
    require(heartbeatInterval.multipliedBy(2).compareTo(electionTimeoutMin) < 0,
        "raft.heartbeat-interval", "must be below raft.election-timeout-min / 2");
    require(!heartbeatInterval.isZero() && !heartbeatInterval.isNegative(),
        "raft.heartbeat-interval", "must be positive");
    require(leaseClockDrift >= 0 && leaseClockDrift < 1, "raft.read.lease-clock-drift", "must be in [0, 1)");
    require(!readTimeout.isZero() && !readTimeout.isNegative(), "raft.read.timeout", "must be positive");
    require(maxEntriesPerAppend >= 1, "raft.replication.max-entries-per-append", "must be >= 1");
    require(maxInflightAppends >= 1, "raft.replication.max-inflight-appends", "must be >= 1");
    require(maxInflightBytes >= maxBytesPerAppend,
        "raft.replication.max-inflight-bytes", "must be >= raft.replication.max-bytes-per-append");
    require(!resendTimeout.isZero() && !resendTimeout.isNegative(),
        "raft.replication.resend-timeout", "must be positive");
    require(!maxBackoff.isNegative(), "raft.replication.max-backoff", "must be >= 0");
    require(maxCommandBytes >= 1, "raft.limits.max-command-bytes", "must be >= 1");
    require((long) maxCommandBytes + LogEntry.OVERHEAD_BYTES <= maxBytesPerAppend,
        "raft.limits.max-command-bytes",
        "must fit one AppendEntries: at most raft.replication.max-bytes-per-append - "
            + LogEntry.OVERHEAD_BYTES);
    require(maxUncommittedBytes >= maxCommandBytes,
        "raft.limits.max-uncommitted-bytes", "must be >= raft.limits.max-command-bytes");
    require(maxUnappliedBytes >= maxCommandBytes,
        "raft.limits.max-unapplied-bytes", "must be >= raft.limits.max-command-bytes");
    require(maxWaitingProposals >= 0, "raft.limits.max-waiting-proposals", "must be >= 0");
    require(maxForwardHops >= 0, "raft.proposals.max-forward-hops", "must be >= 0");
    require(applierMaxBatch >= 1, "raft.applier.max-batch", "must be >= 1");
    require(recoveryStashCapacity >= 1, "raft.recovery-stash-capacity", "must be >= 1");
    require(!journalPlugin.isBlank(), "raft.journal.plugin", "must not be empty");
    require(snapshotEntries >= 0, "raft.snapshot.entries", "must be >= 0");
    require(snapshotBytes >= 0, "raft.snapshot.bytes", "must be >= 0");
    require(snapshotLogRatio >= 0, "raft.snapshot.log-ratio", "must be >= 0");
    require(snapshotPartBytes >= 1024, "raft.snapshot.part-size", "must be >= 1 KiB");
    require(snapshotKeepTail >= 0, "raft.snapshot.keep-tail", "must be >= 0");
    require(snapshotRetain >= 1, "raft.snapshot.retain", "must be >= 1");
    require(installChunkBytes >= 1024, "raft.snapshot.install.chunk-size", "must be >= 1 KiB");
    require(snapshotMaxWriteRate >= 0, "raft.snapshot.max-write-rate", "must be >= 0");
    require(installMaxInflightChunks >= 1, "raft.snapshot.install.max-inflight-chunks", "must be >= 1");
  }

  /** Whether the applier takes snapshots at all (a threshold is set). */
  public boolean snapshotsEnabled() {
    return snapshotEntries > 0 || snapshotBytes > 0;
  }

  /** The settings of {@code ConfigFactory.load()}. */
  public static RaftSettings load() {
    return fromRoot(ConfigFactory.load());
  }

  /**
   * Reads the {@code raft} section of a full configuration and checks that an AppendEntries batch
   * fits Artery's maximum frame size when remoting is configured.
   */
  public static RaftSettings fromRoot(Config root) {
    RaftSettings s = fromConfig(root.getConfig("raft"));
    String frameKey = "akka.remote.artery.advanced.maximum-frame-size";
    if (root.hasPath(frameKey)) {
      long frame = root.getBytes(frameKey);
      require(s.maxBytesPerAppend + APPEND_HEADER_BYTES <= frame,
          "raft.replication.max-bytes-per-append",
          "plus " + APPEND_HEADER_BYTES + " bytes of header must fit " + frameKey + " (" + frame
              + " bytes)");
      require(s.installChunkBytes + APPEND_HEADER_BYTES <= frame,
          "raft.snapshot.install.chunk-size",
          "plus " + APPEND_HEADER_BYTES + " bytes of header must fit " + frameKey + " (" + frame
              + " bytes)");
    }
    return s;
  }

  /** Reads the {@code raft} section itself. */
  public static RaftSettings fromConfig(Config c) {
    try {
      return new RaftSettings(
          c.getDuration("election-timeout-min"),
          c.getDuration("election-timeout-max"),
          c.getDuration("heartbeat-interval"),
          c.getBoolean("pre-vote"),
          c.getBoolean("check-quorum"),
          c.getDouble("read.lease-clock-drift"),
          c.getDuration("read.timeout"),
          c.getInt("replication.max-entries-per-append"),
          c.getBytes("replication.max-bytes-per-append"),
          c.getInt("replication.max-inflight-appends"),
          c.getBytes("replication.max-inflight-bytes"),
          c.getDuration("replication.resend-timeout"),
          c.getDuration("replication.max-backoff"),
          Math.toIntExact(c.getBytes("limits.max-command-bytes")),
          c.getBytes("limits.max-uncommitted-bytes"),
          c.getBytes("limits.max-unapplied-bytes"),
          c.getInt("limits.max-waiting-proposals"),
          c.getDuration("proposals.leader-wait-timeout"),
          c.getInt("proposals.max-forward-hops"),
          c.getString("journal.plugin"),
          c.getString("journal.dispatcher"),
          c.getString("applier.dispatcher"),
          c.getInt("applier.max-batch"),
          c.getInt("recovery-stash-capacity"),
          c.getLong("snapshot.entries"),
          c.getBytes("snapshot.bytes"),
          c.getDouble("snapshot.log-ratio"),
          Math.toIntExact(c.getBytes("snapshot.part-size")),
          c.getLong("snapshot.keep-tail"),
          c.getInt("snapshot.retain"),
          c.getString("snapshot.dir"),
          Math.toIntExact(c.getBytes("snapshot.install.chunk-size")),
          c.getInt("snapshot.install.max-inflight-chunks"),
          c.getString("snapshot.dispatcher"),
          c.getBytes("snapshot.max-write-rate"),
          c.getLong("membership.promote-max-lag"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid raft configuration: " + e.getMessage(), e);
    }
  }

  private static void require(boolean ok, String key, String what) {
    if (!ok) throw new IllegalArgumentException("invalid raft configuration: " + key + " " + what);
  }
}
