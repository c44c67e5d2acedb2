package io.raftactors.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.journal.Journals;
import io.raftactors.raft.log.LogView;
import io.raftactors.raft.node.NodeSetup;
import io.raftactors.raft.node.Recovering;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A member of a Raft group, as an Akka Typed actor: the guardian of the group's journal, applier
 * and (while leading) replicators.
 *
 * <pre>{@code
 * Behavior<RaftNode.Command> node =
 *     RaftNode.builder("n1")
 *         .members(List.of("n1", "n2", "n3"))
 *         .peers(peers)                       // node id -> ActorRef of that member's RaftNode
 *         .stateMachine(MyStateMachine::new)
 *         .build();
 * ActorRef<RaftNode.Command> ref = context.spawn(node, "raft-n1");
 * ref.tell(new Propose(bytes, replyTo));     // any member; followers forward to the leader
 * }</pre>
 *
 * Roles: Recovering, then Follower, PreCandidate, Candidate, Leader (see {@code docs/roles.md}).
 */
public final class RaftNode {
  private RaftNode() {}

  /** Everything a RaftNode actor accepts: the wire protocol, {@link Propose}, queries. */
  public interface Command {}

  /** Asks for the node's log as it is now (local use: monitoring and tests). */
  public record GetLog(ActorRef<LogSnapshot> replyTo) implements Command {}

  /** A node's log and commit state at one moment. */
  public record LogSnapshot(LogView log, long commitIndex, long term, Role role) {}

  public static Builder builder(String nodeId) {
    return new Builder(nodeId);
  }

  /** Builds the behavior of one member. */
  public static final class Builder {
    private final String nodeId;
    private List<String> members;
    private java.util.Map<String, String> addresses = java.util.Map.of();
    private Config config;
    private RaftSettings settings;
    private Peers peers;
    private Supplier<StateMachine> stateMachine;
    private Behavior<Journal.Command> journal;
    private RaftClock clock = RaftClock.SYSTEM;
    private Long randomSeed;
    private java.nio.file.Path dataDir;
    private java.nio.file.Path snapshotDir;

    private Builder(String nodeId) {
      if (nodeId == null || nodeId.isBlank()) {
        throw new IllegalArgumentException("raft.node-id must not be empty");
      }
      this.nodeId = nodeId;
    }

    /**
     * The voting members the cluster started with ({@code raft.members}). A node whose journal is
     * empty and whose id is not among them starts as a non-member: it never campaigns, and waits
     * for a leader to add it ({@link ChangeMembership}). Once the log holds a configuration, the
     * latest one there is in force instead.
     */
    public Builder members(Collection<String> members) {
      this.members = new ArrayList<>(members);
      return this;
    }

    /** Where the initial members are reached (see {@link Membership#addresses()}); optional. */
    public Builder addresses(java.util.Map<String, String> addresses) {
      this.addresses = java.util.Map.copyOf(addresses);
      return this;
    }

    /** Configuration to read {@code raft.*} from (default: {@code ConfigFactory.load()}). */
    public Builder config(Config config) {
      this.config = config;
      return this;
    }

    /** Settings to use instead of reading them from the configuration. */
    public Builder settings(RaftSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder peers(Peers peers) {
      this.peers = peers;
      return this;
    }

    /** Creates a fresh state machine for each incarnation of the node. */
    public Builder stateMachine(Supplier<StateMachine> stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    /** A journal behavior to use instead of the one {@code raft.journal.plugin} names. */
    public Builder journal(Behavior<Journal.Command> journal) {
      this.journal = journal;
      return this;
    }

    /** The node's data directory, instead of {@code raft.data-dir} (for several nodes in one JVM). */
    public Builder dataDir(java.nio.file.Path dir) {
      this.dataDir = dir;
      return this;
    }

    /**
     * Where the node keeps its snapshots, instead of {@code raft.snapshot.dir} (default: {@code
     * <data-dir>/snapshots} with the file journal; none otherwise, so with a memory or custom
     * journal the node takes snapshots only when given a directory).
     */
    public Builder snapshotDir(java.nio.file.Path dir) {
      this.snapshotDir = dir;
      return this;
    }

    public Builder clock(RaftClock clock) {
      this.clock = clock;
      return this;
    }

    /** Seeds the randomized election timeouts (default: random). */
    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      return this;
    }

    public Behavior<Command> build() {
      Objects.requireNonNull(members, "members");
      Objects.requireNonNull(peers, "peers");
      Objects.requireNonNull(stateMachine, "stateMachine");
      Config cfg = config != null ? config : ConfigFactory.load();
      if (dataDir != null) {
        cfg = ConfigFactory.parseMap(java.util.Map.of("raft.data-dir", dataDir.toString()))
            .withFallback(cfg);
      }
      RaftSettings s = settings != null ? settings : RaftSettings.fromRoot(cfg);
      Behavior<Journal.Command> j =
          journal != null ? journal : Journals.fromPlugin(s.journalPlugin(), nodeId, cfg);
      long seed = randomSeed != null ? randomSeed : System.nanoTime() ^ nodeId.hashCode();
      java.nio.file.Path snapshots = snapshotDir;
      if (snapshots == null && !s.snapshotDir().isEmpty()) {
        snapshots = java.nio.file.Path.of(s.snapshotDir());
      } else if (snapshots == null && journal == null && s.journalPlugin().equals("file")) {
        snapshots = java.nio.file.Path.of(cfg.getString("raft.data-dir")).resolve("snapshots");
      }
      return Recovering.create(
          new NodeSetup(nodeId, Membership.ofVoters(members, addresses), s, peers, stateMachine, j, clock, seed, snapshots));
    }
  }
}
