package io.raftactors.kv;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.service.KvService;
import io.raftactors.kv.state.KvStateMachine;
import io.raftactors.kv.watch.WatchHub;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftNode;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A replica of the key-value store, as an actor you spawn in your own {@link
 * akka.actor.typed.ActorSystem}. It runs a {@link RaftNode} (child {@code raft}) with the KV state
 * machine, a watch hub (child {@code watch}), and answers the {@link KvCommand} protocol; {@link
 * KvClient} speaks it for you.
 *
 * <pre>{@code
 * ActorRef<KvCommand> replica = context.spawn(
 *     KvNode.builder("n1").members(List.of("n1", "n2", "n3")).peers(peers).dataDir(Path.of("data/n1")).build(),
 *     "kv-n1");
 * }</pre>
 *
 * {@code peers} maps each member id to the {@code ActorRef} of that member's Raft node, the child
 * {@code raft} of its KvNode (e.g. {@code kv-n2/raft}; resolve remote ones with {@link
 * io.raftactors.raft.PathPeers}).
 */
public final class KvNode {
  private KvNode() {}

  public static Builder builder(String nodeId) {
    return new Builder(nodeId);
  }

  public static final class Builder {
    private final String nodeId;
    private List<String> members;
    private Peers peers;
    private Config config;
    private Path dataDir;
    private java.util.Map<String, String> addresses = java.util.Map.of();

    private Builder(String nodeId) {
      this.nodeId = nodeId;
    }

    /**
     * The voting members the cluster started with; a node not among them starts as a non-member
     * and waits to be added ({@link io.raftactors.raft.ChangeMembership}).
     */
    public Builder members(Collection<String> members) {
      this.members = List.copyOf(members);
      return this;
    }

    /** Where the initial members are reached ({@code host:port}), carried in the configuration. */
    public Builder addresses(java.util.Map<String, String> addresses) {
      this.addresses = java.util.Map.copyOf(addresses);
      return this;
    }

    /** Member id to the ActorRef of that member's Raft node. */
    public Builder peers(Peers peers) {
      this.peers = peers;
      return this;
    }

    /** Configuration for {@code raft.*} and {@code kv.*} (default: {@code ConfigFactory.load()}). */
    public Builder config(Config config) {
      this.config = config;
      return this;
    }

    /** This replica's data directory (default: {@code raft.data-dir}). */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    public Behavior<KvCommand> build() {
      Objects.requireNonNull(members, "members");
      Objects.requireNonNull(peers, "peers");
      Config cfg = config != null ? config : ConfigFactory.load();
      KvSettings settings = KvSettings.fromRoot(cfg);
      return Behaviors.<Object>setup(ctx -> {
        ActorRef<WatchHub.Command> hub = ctx.spawn(
            WatchHub.create(settings.watchHistoryEvents(), settings.watchMaxUnackedEvents()), "watch");
        RaftNode.Builder raft = RaftNode.builder(nodeId).members(members).addresses(addresses).peers(peers).config(cfg)
            .stateMachine(() -> new KvStateMachine(events -> hub.tell(new WatchHub.Publish(events)),
                revision -> hub.tell(new WatchHub.Restored(revision))));
        if (dataDir != null) raft.dataDir(dataDir);
        ActorRef<RaftNode.Command> node = ctx.spawn(raft.build(), "raft");
        ctx.watch(node);
        return KvService.create(ctx, nodeId, () -> node, hub, settings);
      }).narrow();
    }
  }
}
