package io.raftactors.raft.metrics;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The metric registries of the Raft nodes of an actor system, one per node id (an Akka extension:
 * {@code RaftMetrics.get(system).node("n1")}). The journal, the leader's replicators and the front
 * ends record into them; {@code INFO raftstats} reads them.
 */
public final class RaftMetrics implements Extension {
  private static final Id ID = new Id();

  private final ConcurrentMap<String, MetricRegistry> nodes = new ConcurrentHashMap<>();

  public static RaftMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The registry of node {@code nodeId}, created on first use. */
  public MetricRegistry node(String nodeId) {
    return nodes.computeIfAbsent(nodeId, id -> new MetricRegistry());
  }

  public Set<String> nodeIds() {
    return Set.copyOf(nodes.keySet());
  }

  private static final class Id extends ExtensionId<RaftMetrics> {
    @Override
    public RaftMetrics createExtension(ActorSystem<?> system) {
      return new RaftMetrics();
    }
  }
}
