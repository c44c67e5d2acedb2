package io.raftactors.kv.node;

import akka.actor.Cancellable;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvNode;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.lock.LockSettings;
import io.raftactors.kv.lock.TtlLocks;
import io.raftactors.kv.resp.RespBackend;
import io.raftactors.kv.script.ScriptLimits;
import io.raftactors.kv.resp.RespServer;
import io.raftactors.kv.resp.RespSettings;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One KV replica with its Redis-protocol listener, inside an actor system: what a raft-kv node
 * runs (several of them share one system in {@code raft-kv local}).
 */
public final class RunningNode {
  private final String nodeId;
  private final ActorRef<KvCommand> replica;
  private final ActorRef<RaftNode.Command> raft;
  private final RespServer.Binding binding;
  private final CompletableFuture<Void> stopped;
  private final KvClient lockClient;
  private final List<Cancellable> shutdownTasks;

  private RunningNode(String nodeId, ActorRef<KvCommand> replica, ActorRef<RaftNode.Command> raft,
      RespServer.Binding binding,
      CompletableFuture<Void> stopped, KvClient lockClient, List<Cancellable> shutdownTasks) {
    this.nodeId = nodeId;
    this.replica = replica;
    this.raft = raft;
    this.binding = binding;
    this.stopped = stopped;
    this.lockClient = lockClient;
    this.shutdownTasks = shutdownTasks;
  }

  /**
   * Starts replica {@code nodeId} as a child {@code name} of {@code parent} (the system itself, or a
   * {@link NodeHost}) with the given peers, data directory and RESP settings; {@code addresses}
   * says where the initial members are ({@code host:port}), so that the configuration carries them
   * to members added later. Returns once the RESP listener is bound.
   */
  static RunningNode start(ActorSystem<?> system, ActorRef<SpawnProtocol.Command> parent, String name,
      String nodeId, List<String> members, java.util.Map<String, String> addresses, Peers peers, Path dataDir,
      RespSettings resp) throws Exception {
    Behavior<KvCommand> node = KvNode.builder(nodeId).members(members).addresses(addresses).peers(peers)
        .dataDir(dataDir).config(system.settings().config()).build();
    ActorRef<KvCommand> replica = spawn(system, parent, node, name);
    CompletableFuture<Void> stopped = Termination.of(system, replica);
    ActorRef<RaftNode.Command> raft = awaitChild(system, replica.path().child("raft").toString(), stopped,
        Duration.ofSeconds(15));
    KvClient lockClient = KvClient.create(system, List.of(replica));
    TtlLocks locks = new TtlLocks(lockClient, LockSettings.fromRoot(system.settings().config()).recheckInterval());
    CompletableFuture<RespServer.Binding> binding0 = RespServer.start(system, resp, () -> RespBackend.of(
            raft, system.scheduler(), resp.requestTimeout(), locks,
            ScriptLimits.fromRoot(system.settings().config()),
            io.raftactors.raft.metrics.RaftMetrics.get(system).node(nodeId))).toCompletableFuture();
    RespServer.Binding binding;
    try {
      binding = binding0.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      lockClient.close();
      binding0.thenAccept(RespServer.Binding::close); // a bind that succeeds after all must not keep the port
      throw e;
    }
    Cancellable unbindOnShutdown = CoordinatedShutdown.get(system).addCancellableTask(
        CoordinatedShutdown.PhaseServiceUnbind(), "unbind-resp-" + nodeId,
        () -> binding.unbind().thenApply(x -> akka.Done.getInstance()));
    // A leader that shuts down gracefully hands leadership over first (dissertation 3.10).
    io.raftactors.raft.RaftSettings raftSettings = io.raftactors.raft.RaftSettings.fromRoot(system.settings().config());
    Cancellable handoffOnShutdown = io.raftactors.raft.LeadershipHandoff.onShutdown(system,
        raft, nodeId, raftSettings.electionTimeoutMax().multipliedBy(2));
    return new RunningNode(nodeId, replica, raft, binding, stopped, lockClient,
        List.of(unbindOnShutdown, handoffOnShutdown));
  }

  /**
   * The ref of the actor at {@code path} in this system, once it exists: the replica spawns its Raft
   * node when it starts, a moment after it was spawned, and a path resolved before that would name
   * no actor for good (uid 0).
   */
  private static <T> ActorRef<T> awaitChild(ActorSystem<?> system, String path, CompletableFuture<Void> stopped,
      Duration timeout) throws InterruptedException {
    ActorRefResolver resolver = ActorRefResolver.get(system);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ActorRef<T> ref = resolver.resolveActorRef(path);
      if (ref.path().uid() != 0) return ref;
      if (stopped.isDone()) throw new IllegalStateException("the replica stopped as it started (see the log above)");
      if (System.nanoTime() > deadline) throw new IllegalStateException(path + " did not start within " + timeout);
      Thread.sleep(5);
    }
  }

  /**
   * This replica is about to be stopped abruptly (the demo's crash): its shutdown tasks are
   * withdrawn (no handoff, nothing to unbind later), its lock client closed, its RESP listener,
   * connections and thread closed (clients see the connection drop and go elsewhere).
   */
  CompletionStage<Void> crashed() {
    shutdownTasks.forEach(Cancellable::cancel);
    lockClient.close();
    return binding.close().exceptionally(e -> null);
  }

  public String nodeId() {
    return nodeId;
  }

  public ActorRef<KvCommand> replica() {
    return replica;
  }

  /** Where the RESP listener is bound (the port, if 0 was asked for). */
  public java.net.InetSocketAddress respAddress() {
    return binding.localAddress();
  }

  /** The ref of this replica's Raft node. */
  ActorRef<RaftNode.Command> raft() {
    return raft;
  }

  /** Completes when the replica stopped (its journal failed, or the system shuts down). */
  public CompletionStage<Void> stopped() {
    return stopped;
  }

  @SuppressWarnings("unchecked")
  static <T> ActorRef<T> spawn(ActorSystem<?> system, ActorRef<SpawnProtocol.Command> parent, Behavior<T> behavior,
      String name) throws Exception {
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(parent,
        r -> new SpawnProtocol.Spawn<>(behavior, name, Props.empty(), r), Duration.ofSeconds(10),
        system.scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }
}
