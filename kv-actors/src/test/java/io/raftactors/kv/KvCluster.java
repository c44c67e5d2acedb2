package io.raftactors.kv;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.service.KvService;
import io.raftactors.kv.state.KvStateMachine;
import io.raftactors.kv.watch.WatchHub;
import io.raftactors.testkit.RaftTestCluster;
import io.raftactors.testkit.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A KV cluster on the Raft testkit: each node's KV state machine publishes to a watch hub, and a
 * KV service sits next to each node, as {@link KvNode} arranges them in a real deployment.
 */
final class KvCluster {
  /** Buffers a node's watch events until its hub exists (the nodes start with the cluster). */
  private static final class HubSink {
    private ActorRef<WatchHub.Command> hub;
    private final List<WatchHub.Command> early = new ArrayList<>();

    synchronized void publish(WatchHub.Command p) {
      if (hub == null) early.add(p);
      else hub.tell(p);
    }

    synchronized void attach(ActorRef<WatchHub.Command> hub) {
      this.hub = hub;
      early.forEach(hub::tell);
      early.clear();
    }
  }

  final RaftTestCluster raft;
  /** Short timeouts, so that clients move on from a cut-off replica quickly during faults. */
  final KvSettings settings;
  {
    KvSettings d = KvSettings.fromRoot(ConfigFactory.load());
    settings = new KvSettings(Duration.ofSeconds(2), d.expiryCheckInterval(), d.watchHistoryEvents(),
        d.watchMaxUnackedEvents(), Duration.ofSeconds(10), Duration.ofMillis(700), d.clientSessionTtl());
  }
  private final Map<String, ActorRef<KvCommand>> replicas = new HashMap<>();

  private KvCluster(RaftTestCluster raft, Map<String, HubSink> sinks) {
    this.raft = raft;
    for (String id : raft.nodeIds()) {
      ActorRef<WatchHub.Command> hub = raft.spawnOn(id, WatchHub.create(
          settings.watchHistoryEvents(), settings.watchMaxUnackedEvents()), "watch-" + id);
      sinks.computeIfAbsent(id, x -> new HubSink()).attach(hub);
      ActorRef<io.raftactors.raft.RaftNode.Command> node = raft.localRef(id);
      io.raftactors.testkit.SkewedClock clock = raft.clock(id);
      replicas.put(id, raft.spawnOn(id, KvService.create(id, () -> node, hub, settings, clock::currentTimeMillis),
          "kv-" + id));
    }
  }

  static KvCluster start(TestClusters clusters, int nodes, UnaryOperator<RaftTestCluster.Builder> more) {
    // One per node, spares included (created by whichever comes first: the node or its hub).
    Map<String, HubSink> sinks = new java.util.concurrent.ConcurrentHashMap<>();
    RaftTestCluster raft = clusters.start(b -> more.apply(b.nodes(nodes).stateMachineFor(id -> {
      HubSink sink = sinks.computeIfAbsent(id, x -> new HubSink());
      return new KvStateMachine(events -> sink.publish(new WatchHub.Publish(events)),
          revision -> sink.publish(new WatchHub.Restored(revision)));
    })));
    return new KvCluster(raft, sinks);
  }

  ActorRef<KvCommand> replica(String id) {
    return replicas.get(id);
  }

  /** Sends a command to replica {@code id} and waits for its answer. */
  KvResponse ask(String id, akka.japi.function.Function<ActorRef<KvResponse>, KvCommand> message) {
    try {
      return akka.actor.typed.javadsl.AskPattern.ask(replicas.get(id), message, java.time.Duration.ofSeconds(10),
          raft.system().scheduler()).toCompletableFuture().get(15, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A client of every replica (starting with the first). */
  KvClient client() {
    List<ActorRef<KvCommand>> all = new ArrayList<>();
    for (String id : raft.nodeIds()) all.add(replicas.get(id));
    return KvClient.create(raft.system(), all, settings);
  }

  /** A client that only talks to {@code id}. */
  KvClient clientOf(String id) {
    return KvClient.create(raft.system(), List.of(replicas.get(id)), settings);
  }
}
