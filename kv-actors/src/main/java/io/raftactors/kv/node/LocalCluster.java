package io.raftactors.kv.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.http.DemoControl;
import io.raftactors.kv.http.HttpConsole;
import io.raftactors.kv.http.HttpSettings;
import io.raftactors.kv.resp.RespSettings;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Several nodes in one actor system, each with its own data directory, RESP listener and HTTP
 * console: what {@code raft-kv local} runs, and what the RESP tests run against. Its members can
 * be crashed, restarted and cut off the network ({@link DemoControl}): the dashboard's demo
 * buttons. A member's console outlives its crash, and shows it down.
 */
public final class LocalCluster implements AutoCloseable, DemoControl {
  private final ActorSystem<SpawnProtocol.Command> system;
  private final Path dataDir;
  private final List<String> members;
  private final LocalPeers peers = new LocalPeers();
  /** Member id to its running incarnation; absent while down. Guarded by itself, with {@link #changing}. */
  private final Map<String, Incarnation> running = new LinkedHashMap<>();
  /** Members being crashed or restarted: no other button acts on them meanwhile. */
  private final java.util.Set<String> changing = new java.util.HashSet<>();
  private final Map<String, RespSettings> resp = new LinkedHashMap<>();
  private final List<HttpConsole> consoles = new ArrayList<>();
  private final DemoLoad load;
  /** Restarts block (they wait for a journal and a listener): on a thread of their own, never on Akka's. */
  private final java.util.concurrent.ExecutorService restarts = java.util.concurrent.Executors.newSingleThreadExecutor(
      r -> {
        Thread t = new Thread(r, "raft-kv-local-restarts");
        t.setDaemon(true);
        return t;
      });
  /** The load generator's client, of the members up when it was made; replaced (and closed) after a change. */
  private KvClient loadClient;

  private record Incarnation(ActorRef<SpawnProtocol.Command> host, RunningNode node) {}

  private LocalCluster(ActorSystem<SpawnProtocol.Command> system, Path dataDir, List<String> members) {
    this.system = system;
    this.dataDir = dataDir;
    this.members = members;
    this.load = new DemoLoad(this::loadClient);
  }

  /**
   * Starts nodes n1..n{@code size}; node i's RESP listener on {@code basePort + i - 1} and its HTTP
   * console on {@code basePort + 1000 + i - 1} (all on free ports when {@code basePort} is 0), its
   * data in {@code dataDir/n<i>}. {@code overrides} take precedence over the node configuration
   * (e.g. {@code kv.resp.password}, {@code kv.http.enabled}).
   */
  public static LocalCluster start(int size, Path dataDir, int basePort, Config overrides) throws Exception {
    ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), NodeConfig.SYSTEM,
        overrides.withFallback(ConfigFactory.parseString("akka.actor.provider = local"))
            .withFallback(NodeConfig.loadConfig()));
    List<String> members = new ArrayList<>();
    for (int i = 1; i <= size; i++) members.add("n" + i);
    LocalCluster cluster = new LocalCluster(system, dataDir, members);
    try {
      RespSettings defaults = RespSettings.fromRoot(system.settings().config());
      HttpSettings http = HttpSettings.fromRoot(system.settings().config());
      for (int i = 0; i < size; i++) {
        String id = members.get(i);
        cluster.resp.put(id, new RespSettings(defaults.host(), basePort == 0 ? 0 : basePort + i,
            defaults.password(), defaults.maxBulkLength(), defaults.maxMultibulkLength(),
            defaults.maxConnections(), defaults.idleTimeout(), defaults.pipelineDepth(), defaults.requestTimeout()));
        cluster.startMember(id);
      }
      if (http.enabled()) {
        for (int i = 0; i < size; i++) {
          String id = members.get(i);
          cluster.consoles.add(HttpConsole.start(system, id, cluster::replicaOf, members,
              http.withPort(basePort == 0 ? 0 : basePort + 1000 + i), cluster));
        }
      }
      return cluster;
    } catch (Exception | Error e) {
      system.terminate();
      throw e;
    }
  }

  private void startMember(String id) throws Exception {
    ActorRef<SpawnProtocol.Command> host = RunningNode.spawn(system, system, NodeHost.create(), id);
    RunningNode node;
    try {
      node = RunningNode.start(system, host, "kv", id, members, Map.of(), peers.of(id), dataDir.resolve(id),
          resp.get(id));
    } catch (Exception | Error e) {
      NodeHost.stop(system, host).toCompletableFuture().get(30, TimeUnit.SECONDS);
      throw e;
    }
    peers.register(id, node.raft());
    synchronized (running) {
      running.put(id, new Incarnation(host, node));
    }
    replaceLoadClient();
  }

  public ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  /** The members running now, in id order. */
  public List<RunningNode> nodes() {
    synchronized (running) {
      return running.values().stream().map(Incarnation::node).toList();
    }
  }

  /** The HTTP consoles, one per member (none with {@code kv.http.enabled = off}). */
  public List<HttpConsole> consoles() {
    return List.copyOf(consoles);
  }

  /** RESP port of node {@code id}. */
  public int respPort(String id) {
    return nodes().stream().filter(n -> n.nodeId().equals(id)).findFirst().orElseThrow().respAddress().getPort();
  }

  /** The replica of member {@code id}, for the console; null while it is down. */
  private ActorRef<KvCommand> replicaOf(String id) {
    synchronized (running) {
      Incarnation i = running.get(id);
      return i == null ? null : i.node().replica();
    }
  }

  /** The status of every node that answers within a second. */
  public List<NodeStatus> statuses() throws InterruptedException {
    List<NodeStatus> statuses = new ArrayList<>();
    for (RunningNode n : nodes()) {
      ActorRef<RaftNode.Command> raft = n.raft();
      try {
        statuses.add(AskPattern.<RaftNode.Command, NodeStatus>ask(raft, GetStatus::new,
            Duration.ofSeconds(1), system.scheduler()).toCompletableFuture().get(2, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // not answering: left out
      }
    }
    return statuses;
  }

  /** The leader's status, once there is one, or empty after {@code timeout}. */
  public Optional<NodeStatus> awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      for (NodeStatus s : statuses()) if (s.role() == Role.LEADER) return Optional.of(s);
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return Optional.empty();
  }

  /** Waits until the system terminated (e.g. on Ctrl-C). */
  public void awaitStopped() {
    system.getWhenTerminated().toCompletableFuture().join();
  }

  // ---- the demo's buttons ------------------------------------------------------------------

  @Override
  public CompletionStage<String> crash(String id) {
    Incarnation i;
    synchronized (running) {
      if (!members.contains(id)) return failed("no member " + id);
      if (changing.contains(id)) return failed(id + " is crashing or restarting");
      i = running.remove(id);
      if (i == null) return failed(id + " is already down");
      changing.add(id);
    }
    replaceLoadClient();
    return CompletableFuture.completedFuture(null)
        .thenCompose(x -> i.node().crashed())
        .thenCompose(x -> NodeHost.stop(system, i.host()))
        .toCompletableFuture()
        .orTimeout(30, TimeUnit.SECONDS)
        .whenComplete((x, e) -> done(id))
        .thenApply(x -> id + " crashed");
  }

  @Override
  public CompletionStage<String> restart(String id) {
    synchronized (running) {
      if (!members.contains(id)) return failed("no member " + id);
      if (changing.contains(id)) return failed(id + " is crashing or restarting");
      if (running.containsKey(id)) return failed(id + " is running");
      changing.add(id);
    }
    CompletableFuture<String> result = new CompletableFuture<>();
    restarts.execute(() -> {
      try {
        startMember(id);
        done(id); // before the answer, so that a click right after it is not refused
        result.complete(id + " restarted");
      } catch (Exception | Error e) {
        done(id);
        result.completeExceptionally(new IllegalStateException(id + " did not start: " + e.getMessage(), e));
      }
    });
    return result;
  }

  private void done(String id) {
    synchronized (running) {
      changing.remove(id);
    }
  }

  @Override
  public CompletionStage<String> isolate(String id) {
    if (!members.contains(id)) return failed("no member " + id);
    peers.isolate(id);
    return CompletableFuture.completedFuture(id + " isolated");
  }

  @Override
  public CompletionStage<String> heal() {
    peers.heal();
    return CompletableFuture.completedFuture("network healed");
  }

  @Override
  public CompletionStage<String> load(boolean on) {
    if (on) load.start();
    else load.stop();
    return CompletableFuture.completedFuture(on ? "load on" : "load off");
  }

  @Override
  public Map<String, Object> state() {
    List<String> crashed = new ArrayList<>(members);
    List<String> busy;
    synchronized (running) {
      crashed.removeAll(running.keySet());
      crashed.removeAll(changing);
      busy = List.copyOf(new java.util.TreeSet<>(changing));
    }
    return Map.of("crashed", crashed, "changing", busy,
        "isolated", List.copyOf(new java.util.TreeSet<>(peers.isolated())),
        "load", load.running(), "loadWrites", load.done(), "loadFailures", load.failed());
  }

  /** The load generator's client; null while no member is up. */
  private synchronized KvClient loadClient() {
    if (loadClient == null) {
      List<ActorRef<KvCommand>> replicas = nodes().stream().map(RunningNode::replica).toList();
      if (!replicas.isEmpty()) loadClient = KvClient.create(system, replicas);
    }
    return loadClient;
  }

  /** The members up changed: the next write makes a client of those up now; the old one is closed. */
  private synchronized void replaceLoadClient() {
    if (loadClient != null) loadClient.close();
    loadClient = null;
  }

  private static CompletionStage<String> failed(String why) {
    return CompletableFuture.failedFuture(new IllegalArgumentException(why));
  }

  @Override
  public void close() {
    load.stop();
    replaceLoadClient();
    restarts.shutdownNow();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
