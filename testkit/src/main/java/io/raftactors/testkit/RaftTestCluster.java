package io.raftactors.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftEvent;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Read;
import io.raftactors.raft.ReadConsistency;
import io.raftactors.raft.ReadResult;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.Role;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.journal.MemoryJournalStore;
import io.raftactors.raft.log.LogEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * A Raft group of N nodes in one JVM, with a controllable network between them ({@link
 * #network()}), crash and restart of nodes with what their journals made durable, and an {@link
 * InvariantObserver} that checks Raft's safety properties throughout the run.
 *
 * <pre>{@code
 * try (RaftTestCluster cluster = RaftTestCluster.builder().nodes(3).seed(42).build()) {
 *   String leader = cluster.awaitLeader(Duration.ofSeconds(5));
 *   cluster.propose("x".getBytes()).toCompletableFuture().get();
 *   cluster.network().disconnect(leader);
 *   cluster.checkInvariants();
 * }
 * }</pre>
 *
 * Every message between nodes is serialized and deserialized with the serializer Artery would
 * use, so what would cross the network in a real cluster is exercised by every test.
 */
public final class RaftTestCluster implements AutoCloseable {
  /** Election and heartbeat timing of test clusters unless overridden. */
  public static final String TEST_TIMING =
      "raft.election-timeout-min = 200ms\n"
          + "raft.election-timeout-max = 400ms\n"
          + "raft.heartbeat-interval = 50ms\n"
          + "raft.replication.resend-timeout = 200ms\n";

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

  private final long seed;
  private final Random random;
  private final List<String> ids;
  /** The initial configuration's voters (the rest of {@link #ids} are spares). */
  private final List<String> initialMembers;
  private final ActorTestKit testKit;
  private final RaftSettings settings;
  private final MessageTrace trace;
  private final TestNetwork network;
  private final InvariantObserver observer;
  private final ClusterNodes nodes;
  private final ScheduledExecutorService checker;
  private volatile boolean closed;

  private RaftTestCluster(Builder b) {
    this.seed = b.seed;
    this.random = new Random(seed);
    this.ids = new ArrayList<>();
    for (int i = 1; i <= b.nodes + b.spares; i++) ids.add("n" + i);
    this.initialMembers = List.copyOf(ids.subList(0, b.nodes));
    String gatePrefix = b.name + "@" + java.util.UUID.randomUUID() + "/";
    StringBuilder dispatchers = new StringBuilder();
    for (String id : ids) dispatchers.append(NodeExecutor.dispatcherConfig(id, gatePrefix + id));
    Config config =
        ConfigFactory.parseString(b.overrides)
            .withFallback(ConfigFactory.parseString(TEST_TIMING))
            .withFallback(ConfigFactory.parseString(dispatchers.toString()))
            .withFallback(ConfigFactory.parseString("akka.loglevel = INFO"))
            .withFallback(ConfigFactory.load());
    this.settings = RaftSettings.fromRoot(config);
    this.testKit = ActorTestKit.create(b.name, config);
    this.trace = new MessageTrace(b.traceCapacity);
    this.observer = new InvariantObserver(trace, initialMembers);
    this.network = new TestNetwork(testKit.system(), ids, trace, observer::violation);

    ActorRef<RaftEvent> events =
        testKit.spawn(
            Behaviors.receive(RaftEvent.class)
                .onMessage(RaftEvent.RoleChanged.class, e -> {
                  observer.onRoleChanged(e);
                  return Behaviors.same();
                })
                .onMessage(RaftEvent.MembershipChanged.class, e -> {
                  observer.onMembership(e);
                  return Behaviors.same();
                })
                .build(),
            "invariant-observer");
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(RaftEvent.class, events));

    LoggerFactory.getLogger(RaftTestCluster.class)
        .info("starting {} nodes as '{}' with seed {}", ids.size(), b.name, seed);
    Map<String, NodeExecutor.Gate> gates = new HashMap<>();
    for (String id : ids) gates.put(id, NodeExecutor.register(gatePrefix + id));
    this.nodes = new ClusterNodes(testKit, ids, initialMembers, gates, settings, seed, network, observer, trace,
        b.stateMachine, b.journalSyncDelay, b.fileJournals, b.snapshots, b.initialJournals);
    for (String id : ids) nodes.start(id);

    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "raft-invariants-" + b.name);
      t.setDaemon(true);
      return t;
    });
    if (b.periodicChecks) {
      checker.scheduleWithFixedDelay(this::periodicCheck, 100, 100, TimeUnit.MILLISECONDS);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- topology ---------------------------------------------------------------------------

  /** The ids of the initial configuration's voters ({@code n1..nN}, without spares). */
  public List<String> initialMembers() {
    return initialMembers;
  }

  /** The ids of all nodes, crashed or not, spares included ({@code n1..nN+S}). */
  public List<String> nodeIds() {
    return List.copyOf(ids);
  }

  /** The ids of the nodes currently running. */
  public List<String> runningNodeIds() {
    return ids.stream().filter(nodes::isRunning).toList();
  }

  public boolean isRunning(String id) {
    return nodes.isRunning(id);
  }

  /** The actor system the nodes run in (to start actors of your own next to them). */
  public akka.actor.typed.ActorSystem<Void> system() {
    return testKit.system();
  }

  /** Starts an actor in the cluster's actor system. */
  public <T> ActorRef<T> spawn(akka.actor.typed.Behavior<T> behavior, String name) {
    return testKit.spawn(behavior, name);
  }

  /**
   * Starts an actor that belongs to node {@code id}: it runs on that node's dispatcher, so it
   * pauses when the node is {@linkplain #pause paused} (a service of the node's process). It is
   * not stopped by a crash.
   */
  public <T> ActorRef<T> spawnOn(String id, akka.actor.typed.Behavior<T> behavior, String name) {
    if (!ids.contains(id)) throw new IllegalArgumentException("no node " + id);
    return testKit.spawn(behavior, name, ClusterNodes.onNode(id));
  }

  /**
   * A stable ref to node {@code id} that does not go through the network: it delivers to whichever
   * incarnation is running (and drops messages while the node is crashed), like a local client of
   * that node would. For actors that sit next to a node, such as a service on top of it.
   */
  public ActorRef<RaftNode.Command> localRef(String id) {
    return nodes.localRef(id);
  }

  /** Node {@code id}'s interval clock (leases, check-quorum, timeouts measured by the node). */
  public SkewedClock clock(String id) {
    return nodes.clock(id);
  }

  /** The controllable network between the nodes. */
  public TestNetwork network() {
    return network;
  }

  /** The seed this cluster's randomness (links, election timeouts, {@link #random()}) came from. */
  public long seed() {
    return seed;
  }

  /** A random source derived from the seed, for the test's own choices. */
  public Random random() {
    return random;
  }

  public RaftSettings settings() {
    return settings;
  }

  // ---- queries ----------------------------------------------------------------------------

  /** The status of a running node. */
  public NodeStatus status(String id) {
    return await(AskPattern.ask(ref(id), GetStatus::new, ASK_TIMEOUT, testKit.scheduler()));
  }

  /** The log and commit index of a running node, as it is now. */
  public RaftNode.LogSnapshot log(String id) {
    return await(AskPattern.ask(ref(id), RaftNode.GetLog::new, ASK_TIMEOUT, testKit.scheduler()));
  }

  /** What the current incarnation of node {@code id}'s state machine applied, in order. */
  public List<AppliedEntry> applied(String id) {
    return nodes.applied(id);
  }

  /** Messages node {@code id} has sent to other nodes. */
  /** How many snapshots the nodes restored so far, at restarts and from their leaders, in all. */
  public long snapshotsRestored() {
    return nodes.restores.get();
  }

  public long messageCount(String id) {
    return network.messageCount(id);
  }

  /** Serialized bytes node {@code id} has sent to other nodes. */
  public long bytesSent(String id) {
    return network.bytesSent(id);
  }

  /** The memory journal store of node {@code id} (what it has made durable); null with file journals. */
  public MemoryJournalStore journal(String id) {
    return nodes.store(id);
  }

  /**
   * The leader, if there is one that a majority of its voters follows in its term: a running node
   * in role LEADER whose term and id a majority of the voters of its configuration (itself
   * included) report, counting only nodes the network currently connects with it.
   */
  public Optional<String> leader() {
    Map<String, NodeStatus> statuses = new HashMap<>();
    for (String id : runningNodeIds()) {
      if (nodes.isPaused(id)) continue;
      try {
        statuses.put(id, status(id));
      } catch (RuntimeException e) {
        // crashed meanwhile
      }
    }
    for (NodeStatus s : statuses.values()) {
      if (s.role() != Role.LEADER) continue;
      String leader = s.nodeId();
      // A majority of the leader's own configuration (spares and learners do not count).
      long voting = statuses.values().stream()
          .filter(o -> s.members().contains(o.nodeId()))
          .filter(o -> o.term() == s.term() && leader.equals(o.leaderId()))
          .filter(o -> o.nodeId().equals(leader)
              || (network.connected(leader, o.nodeId()) && network.connected(o.nodeId(), leader)))
          .count();
      if (voting >= s.members().size() / 2 + 1) return Optional.of(leader);
    }
    return Optional.empty();
  }

  /** Waits until {@link #leader()} reports one; returns its id. */
  public String awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<String> leader = leader();
      if (leader.isPresent()) return leader.get();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no leader within " + timeout + " (seed " + seed + ")\n" + describe());
      }
      LockSupport.parkNanos(20_000_000);
    }
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
  public void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + " (seed " + seed + ")\n" + describe());
      }
      LockSupport.parkNanos(10_000_000);
    }
  }

  /** Waits until every running node has applied at least up to {@code index}. */
  public void awaitApplied(long index, Duration timeout) {
    awaitCondition("all running nodes to apply index " + index, timeout,
        () -> runningNodeIds().stream().allMatch(id -> status(id).lastApplied() >= index));
  }

  // ---- proposals --------------------------------------------------------------------------

  /** Proposes to the leader if one is known, else to a random running node (which forwards). */
  public CompletionStage<ProposeResult> propose(byte[] command) {
    String target = leader().orElseGet(() -> {
      List<String> up = runningNodeIds();
      return up.get(random.nextInt(up.size()));
    });
    return propose(target, command);
  }

  /**
   * Proposes through node {@code id}. Completes with the node's answer, or with {@link
   * ProposeResult.Unknown} if none arrives within 5 seconds.
   */
  public CompletionStage<ProposeResult> propose(String id, byte[] command) {
    return propose(id, command, Duration.ofSeconds(5));
  }

  /**
   * Proposes through node {@code id}. Completes with the node's answer, or with {@link
   * ProposeResult.Unknown} if none arrives within {@code timeout}.
   */
  public CompletionStage<ProposeResult> propose(String id, byte[] command, Duration timeout) {
    ActorRef<RaftNode.Command> node = nodes.ref(id);
    if (node == null) {
      return CompletableFuture.completedFuture(
          new ProposeResult.Unknown(id + " is not running; the proposal was not sent"));
    }
    CompletableFuture<ProposeResult> result = new CompletableFuture<>();
    // Akka's ask returns Scala's CompletableFuture, whose non-async methods run on the common
    // pool (a new thread per call on a 2-core machine); complete a plain one on the caller's thread.
    AskPattern.ask(node, (ActorRef<ProposeResult> r) -> new Propose(command, r), timeout,
            testKit.scheduler())
        .whenCompleteAsync((answer, error) -> result.complete(error == null ? answer
            : new ProposeResult.Unknown("no answer from " + id + ": " + error)), Runnable::run);
    return result;
  }

  /**
   * Reads node {@code id}'s state machine at {@code consistency}. Completes with the node's answer,
   * or with a TIMEOUT failure if none arrives within 5 seconds.
   */
  public CompletionStage<ReadResult> read(String id, Object query, ReadConsistency consistency) {
    ActorRef<RaftNode.Command> node = nodes.ref(id);
    if (node == null) {
      return CompletableFuture.completedFuture(
          new ReadResult.Failed(ReadResult.Reason.NO_LEADER, id + " is not running", null));
    }
    CompletableFuture<ReadResult> result = new CompletableFuture<>();
    AskPattern.ask(node, (ActorRef<ReadResult> r) -> new Read(query, consistency, r),
            Duration.ofSeconds(5), testKit.scheduler())
        .whenCompleteAsync((answer, error) -> result.complete(error == null ? answer
            : new ReadResult.Failed(ReadResult.Reason.TIMEOUT, "no answer from " + id, null)),
            Runnable::run);
    return result;
  }

  /**
   * Proposes until the command is applied, retrying after rejections and unknown outcomes (so the
   * command may be applied more than once); fails after {@code timeout}.
   */
  public ProposeResult.Applied commit(byte[] command, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ProposeResult last = null;
    while (System.nanoTime() < deadline) {
      last = await(propose(command));
      if (last instanceof ProposeResult.Applied applied) return applied;
      LockSupport.parkNanos(20_000_000);
    }
    throw new AssertionError("not committed within " + timeout + ", last answer " + last
        + " (seed " + seed + ")\n" + describe());
  }

  // ---- membership -------------------------------------------------------------------------

  /** Asks node {@code via} (which forwards to its leader) for one membership change; one attempt. */
  public CompletionStage<ProposeResult> changeMembership(
      String via, io.raftactors.raft.ChangeMembership.Kind kind, String id) {
    ActorRef<RaftNode.Command> node = nodes.ref(via);
    if (node == null) {
      return CompletableFuture.completedFuture(new ProposeResult.Unknown(via + " is not running"));
    }
    CompletableFuture<ProposeResult> result = new CompletableFuture<>();
    AskPattern.ask(node, (ActorRef<ProposeResult> r) -> new io.raftactors.raft.ChangeMembership(kind, id, null, r),
            Duration.ofSeconds(5), testKit.scheduler())
        .whenCompleteAsync((answer, error) -> result.complete(error == null ? answer
            : new ProposeResult.Unknown("no answer from " + via + ": " + error)), Runnable::run);
    return result;
  }

  /**
   * Makes a membership change and waits until the leader has committed it, retrying while the
   * leader is busy, unknown or the answer lost; fails if the change is refused as invalid or not
   * done within {@code timeout}.
   */
  public void changeMembership(io.raftactors.raft.ChangeMembership.Kind kind, String id, Duration timeout) {
    new MembershipOps(this).change(kind, id, timeout);
  }

  /** Adds {@code id} as a learner (committed), within 10 s. */
  public void addLearner(String id) {
    changeMembership(io.raftactors.raft.ChangeMembership.Kind.ADD_LEARNER, id, Duration.ofSeconds(10));
  }

  /** Promotes learner {@code id} to voter once it has caught up (committed), within 10 s. */
  public void promote(String id) {
    changeMembership(io.raftactors.raft.ChangeMembership.Kind.PROMOTE, id, Duration.ofSeconds(10));
  }

  /** Adds {@code id} as a learner, then promotes it once it has caught up. */
  public void addVoter(String id) {
    addLearner(id);
    promote(id);
  }

  /** Removes member {@code id} (committed), within 10 s. */
  public void removeMember(String id) {
    changeMembership(io.raftactors.raft.ChangeMembership.Kind.REMOVE, id, Duration.ofSeconds(10));
  }

  /** Asks node {@code via} to hand leadership to {@code target} (null: the best voter); one attempt. */
  public CompletionStage<io.raftactors.raft.TransferResult> transferLeadership(String via, String target) {
    ActorRef<RaftNode.Command> node = nodes.ref(via);
    if (node == null) {
      return CompletableFuture.completedFuture(new io.raftactors.raft.TransferResult.NotTransferred(
          io.raftactors.raft.RejectReason.NO_LEADER, via + " is not running", null));
    }
    CompletableFuture<io.raftactors.raft.TransferResult> result = new CompletableFuture<>();
    AskPattern.ask(node, (ActorRef<io.raftactors.raft.TransferResult> r) ->
                new io.raftactors.raft.TransferLeadership(target, r),
            Duration.ofSeconds(5), testKit.scheduler())
        .whenCompleteAsync((answer, error) -> result.complete(error == null ? answer
            : new io.raftactors.raft.TransferResult.NotTransferred(io.raftactors.raft.RejectReason.NO_LEADER,
                "no answer from " + via + ": " + error, null)), Runnable::run);
    return result;
  }

  /** The configuration as the leader sees it (voters and learners), or empty without a leader. */
  public Optional<NodeStatus> leaderView() {
    return leader().map(this::status);
  }

  // ---- faults -----------------------------------------------------------------------------

  /**
   * Stops node {@code id} at once, as a process crash would: its actors stop, messages to it are
   * lost, and only what its journal acknowledged survives. Returns when it has stopped.
   */
  public void crash(String id) {
    nodes.crash(id);
  }

  /** Starts a crashed node again from what its journal made durable. */
  /**
   * Erases crashed node {@code id}'s journal and snapshots, as a new disk would: on {@link
   * #restart} it starts empty and catches up from the cluster (by snapshot, if the log it needs
   * was compacted). Unsafe in real Raft if the node voted in the current term, as its vote is
   * forgotten; a test that wipes a node accepts that, like a test of disk replacement.
   */
  public void wipe(String id) {
    nodes.wipe(id);
  }

  public void restart(String id) {
    nodes.restart(id);
  }

  /**
   * Pauses node {@code id} as SIGSTOP or a long GC pause would: none of its actors runs (nor those
   * {@linkplain #spawnOn spawned on it}), so it sends nothing; messages to it, including its own
   * timers, wait and are handled on {@link #resume}, in order. Its clock keeps running, as a
   * process's monotonic clock does. Queries such as {@link #status} to a paused node time out;
   * {@link #leader()} and the invariant checks skip it. Crashing a paused node resumes it first.
   */
  public void pause(String id) {
    nodes.pause(id);
  }

  /** Lets a paused node run again; no-op if it is not paused. */
  public void resume(String id) {
    nodes.resume(id);
  }

  public boolean isPaused(String id) {
    return nodes.isPaused(id);
  }

  // ---- invariants -------------------------------------------------------------------------

  /** The observer checking this cluster. */
  public InvariantObserver observer() {
    return observer;
  }

  /**
   * Runs a full check of every invariant now and fails if it, or any check during the run, found
   * a violation: two leaders in one term, different entries at the same (index, term), an applied
   * entry that differs between nodes, or a committed entry lost.
   */
  public void checkInvariants() {
    // Twice: the second reading checks the leader against everything the first saw committed.
    synchronized (checking) {
      observer.checkLogs(snapshotLogs(), nodes.stores(), true);
      observer.checkLogs(snapshotLogs(), nodes.stores(), true);
    }
    List<String> v = observer.violations();
    if (!v.isEmpty()) {
      throw new AssertionError("Raft invariants violated (seed " + seed + "):\n  "
          + String.join("\n  ", v) + "\n" + describe());
    }
  }

  /**
   * Held while logs are read and checked: a check must not count as committed what another check
   * read after this one's logs were read (the periodic checks run on their own thread; a leader's
   * log read before an entry was committed would look as if it lost the entry).
   */
  private final Object checking = new Object();

  private void periodicCheck() {
    if (closed) return;
    try {
      synchronized (checking) {
        observer.checkLogs(snapshotLogs(), nodes.stores(), false);
      }
    } catch (RuntimeException e) {
      if (!closed) trace.add("invariant check skipped: " + e);
    }
  }

  private Map<String, RaftNode.LogSnapshot> snapshotLogs() {
    Map<String, RaftNode.LogSnapshot> logs = new HashMap<>();
    for (String id : runningNodeIds()) {
      if (nodes.isPaused(id)) continue;
      try {
        logs.put(id, log(id));
      } catch (RuntimeException e) {
        // crashed or still recovering
      }
    }
    return logs;
  }

  /** The seed, each node's status and the recent message trace: what a failing test prints. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("cluster seed=").append(seed)
        .append(" (re-run with -Draft.test.seed=").append(seed).append(")\n");
    for (String id : ids) {
      sb.append("  ").append(id).append(": ");
      if (!nodes.isRunning(id)) {
        sb.append("crashed");
      } else if (nodes.isPaused(id)) {
        sb.append("paused");
      } else {
        try {
          sb.append(status(id));
        } catch (RuntimeException e) {
          sb.append("no status: ").append(e.getMessage());
        }
      }
      sb.append('\n');
    }
    List<String> lines = trace.lines();
    int from = Math.max(0, lines.size() - 80);
    sb.append("last ").append(lines.size() - from).append(" trace events:\n");
    for (String line : lines.subList(from, lines.size())) sb.append("  ").append(line).append('\n');
    return sb.toString();
  }

  /** The full recent trace. */
  public MessageTrace trace() {
    return trace;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    checker.shutdownNow();
    nodes.resumeAll();
    try {
      testKit.shutdownTestKit();
    } finally {
      nodes.releaseGates();
    }
  }

  private ActorRef<RaftNode.Command> ref(String id) {
    ActorRef<RaftNode.Command> ref = nodes.ref(id);
    if (ref == null) throw new IllegalStateException(id + " is not running");
    return ref;
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Builds a {@link RaftTestCluster}. */
  public static final class Builder {
    private int nodes = 3;
    private int spares = 0;
    private java.util.function.Function<String, StateMachine> stateMachine = id -> new StateMachines.Echo();
    private long seed = Long.getLong("raft.test.seed", new Random().nextLong());
    private String overrides = "";
    private Duration journalSyncDelay = Duration.ZERO;
    private String name = "raft-test";
    private int traceCapacity = 4000;
    private final Map<String, MemoryJournalStore> initialJournals = new HashMap<>();
    private boolean periodicChecks = true;
    private java.nio.file.Path fileJournals;
    private java.nio.file.Path snapshots;

    private Builder() {}

    /**
     * Lets every node keep snapshots, in {@code dir/<node id>} (files, surviving crashes as the
     * journal stores do); set how often with {@code raft.snapshot.entries} in {@link #settings}.
     * Without it, nodes take no snapshots and the log is never compacted.
     */
    public Builder snapshots(java.nio.file.Path dir) {
      this.snapshots = dir;
      return this;
    }

    /**
     * Starts node {@code id} from this durable state instead of an empty journal (the ids are
     * {@code n1..nN}), to begin a scenario from a given situation.
     */
    public Builder initialJournal(String id, long term, String votedFor, List<LogEntry> entries) {
      initialJournals.put(id, new MemoryJournalStore(term, votedFor, entries));
      return this;
    }

    public Builder nodes(int nodes) {
      if (nodes < 1) throw new IllegalArgumentException("nodes must be >= 1");
      this.nodes = nodes;
      return this;
    }

    /**
     * Also runs {@code spares} nodes ({@code nN+1..}) that are not in the initial configuration:
     * they start as non-members and wait to be added ({@link #addLearner}, {@link #addVoter}).
     */
    public Builder spareNodes(int spares) {
      if (spares < 0) throw new IllegalArgumentException("spares must be >= 0");
      this.spares = spares;
      return this;
    }

    /** Creates each node incarnation's state machine (default: {@link StateMachines#echo()}). */
    public Builder stateMachine(Supplier<StateMachine> stateMachine) {
      this.stateMachine = id -> stateMachine.get();
      return this;
    }

    /** Creates each incarnation's state machine knowing which node it is for. */
    public Builder stateMachineFor(java.util.function.Function<String, StateMachine> stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    /** The seed of all randomness (default: {@code -Draft.test.seed}, else random). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** HOCON overriding settings, e.g. {@code "raft.pre-vote = off"}. */
    public Builder settings(String hocon) {
      this.overrides = this.overrides + "\n" + hocon;
      return this;
    }

    /**
     * Makes journals acknowledge writes only after this delay, in groups, and lose unacknowledged
     * writes on a crash (like a disk with group commit). Zero (default): durable at once.
     */
    public Builder journalSyncDelay(Duration delay) {
      this.journalSyncDelay = delay;
      return this;
    }

    /**
     * The actor system's name (default {@code raft-test}); characters that may not appear in an
     * actor path's host part (anything but letters, digits and inner dashes) are replaced, so that
     * ActorRefs inside messages serialize and resolve as they would over Artery.
     */
    public Builder name(String name) {
      String clean = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-+|-+$", "");
      this.name = clean.isEmpty() ? "raft-test" : clean;
      return this;
    }

    /** How many recent events the trace keeps (0 is not allowed; default 4000). */
    public Builder traceCapacity(int capacity) {
      if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
      this.traceCapacity = capacity;
      return this;
    }

    /**
     * Gives every node a real {@link io.raftactors.raft.journal.file.FileJournal} in {@code
     * dir/<node id>/journal} (fsync on, small segments) instead of a memory journal: crash and
     * restart then go through the files. The durability check on journals applies to memory
     * journals only; {@link #journal(String)} returns null.
     */
    public Builder fileJournals(java.nio.file.Path dir) {
      this.fileJournals = dir;
      return this;
    }

    /**
     * Whether the invariants are also checked every 100 ms while the cluster runs (default on;
     * benchmarks turn it off and check once at the end, as {@link #checkInvariants()} always can).
     */
    public Builder periodicChecks(boolean on) {
      this.periodicChecks = on;
      return this;
    }

    public long seed() {
      return seed;
    }

    public RaftTestCluster build() {
      return new RaftTestCluster(this);
    }
  }
}
