package io.raftactors.testkit;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.RaftSettings;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.journal.MemoryJournal;
import io.raftactors.raft.journal.MemoryJournalStore;
import io.raftactors.raft.journal.Journal;
import io.raftactors.raft.journal.file.FileJournal;
import io.raftactors.raft.journal.file.FileJournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes of a {@link RaftTestCluster}: each node's network links and journal store (which
 * outlive its incarnations), and starting, crashing and restarting incarnations.
 */
final class ClusterNodes {
  private final ActorTestKit testKit;
  private final List<String> ids;
  private final List<String> initialMembers;
  /** Each node's actors run on a dispatcher of their own that this gate can pause. */
  private final Map<String, NodeExecutor.Gate> gates;
  private final RaftSettings settings;
  private final long seed;
  private final TestNetwork network;
  private final InvariantObserver observer;
  private final MessageTrace trace;
  private final java.util.function.Function<String, StateMachine> stateMachine;
  private final Map<String, ActorRef<RaftNode.Command>> localRefs = new HashMap<>();
  private final Duration journalSyncDelay;
  private final Path fileJournals;
  /** Each node's snapshots live in snapshots/<id>; null: nodes take none. */
  private final Path snapshots;
  private final Map<String, MemoryJournalStore> stores = new LinkedHashMap<>();
  private final Map<String, Map<String, ActorRef<RaftNode.Command>>> links = new HashMap<>();
  private final Map<String, ActorRef<RaftNode.Command>> running = new ConcurrentHashMap<>();
  private final Map<String, RecordingStateMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, Integer> incarnations = new HashMap<>();
  /** Snapshots restored by any node (at restarts and installs). */
  final java.util.concurrent.atomic.AtomicLong restores = new java.util.concurrent.atomic.AtomicLong();
  /** One per node, kept across restarts (a restart does not fix a machine's clock). */
  private final Map<String, SkewedClock> clocks = new ConcurrentHashMap<>();

  ClusterNodes(ActorTestKit testKit, List<String> ids, List<String> initialMembers,
      Map<String, NodeExecutor.Gate> gates,
      RaftSettings settings, long seed,
      TestNetwork network, InvariantObserver observer, MessageTrace trace,
      java.util.function.Function<String, StateMachine> stateMachine, Duration journalSyncDelay,
      Path fileJournals,
      Path snapshots,
      Map<String, MemoryJournalStore> initialJournals) {
    this.testKit = testKit;
    this.ids = ids;
    this.initialMembers = initialMembers;
    this.gates = gates;
    this.settings = settings;
    this.seed = seed;
    this.network = network;
    this.observer = observer;
    this.trace = trace;
    this.stateMachine = stateMachine;
    this.journalSyncDelay = journalSyncDelay;
    this.fileJournals = fileJournals;
    this.snapshots = snapshots;
    if (fileJournals != null && !initialJournals.isEmpty()) {
      throw new IllegalArgumentException("initial journals are memory journals; not with file journals");
    }
    for (String from : ids) {
      Map<String, ActorRef<RaftNode.Command>> out = new HashMap<>();
      for (String to : ids) {
        if (from.equals(to)) continue;
        long linkSeed = seed * 31 + (from + "->" + to).hashCode();
        out.put(to, testKit.spawn(
            NetworkLink.create(from, to, network, linkSeed), "link-" + from + "-" + to));
      }
      links.put(from, out);
      if (fileJournals == null) {
        stores.put(from, initialJournals.getOrDefault(from, new MemoryJournalStore()));
      }
      String id = from;
      localRefs.put(from, testKit.spawn(akka.actor.typed.javadsl.Behaviors.<RaftNode.Command>receiveMessage(m -> {
        ActorRef<RaftNode.Command> current = running.get(id);
        if (current != null) current.tell(m);
        return akka.actor.typed.javadsl.Behaviors.same();
      }), "local-" + from));
    }
  }

  ActorRef<RaftNode.Command> localRef(String id) {
    ActorRef<RaftNode.Command> ref = localRefs.get(id);
    if (ref == null) throw new IllegalArgumentException("no node " + id);
    return ref;
  }

  boolean isRunning(String id) {
    return running.containsKey(id);
  }

  /** The current incarnation's ref, or null when the node is crashed. */
  ActorRef<RaftNode.Command> ref(String id) {
    return running.get(id);
  }

  /** The memory journal of {@code id}; null with file journals. */
  MemoryJournalStore store(String id) {
    return stores.get(id);
  }

  /** The memory journals (empty with file journals). */
  Map<String, MemoryJournalStore> stores() {
    return stores;
  }

  List<AppliedEntry> applied(String id) {
    RecordingStateMachine m = machines.get(id);
    return m == null ? List.of() : m.applied();
  }

  SkewedClock clock(String id) {
    return clocks.computeIfAbsent(id, x -> new SkewedClock());
  }

  /** Starts a new incarnation of {@code id} from its journal store. */
  void start(String id) {
    int incarnation = incarnations.merge(id, 1, Integer::sum);
    Map<String, ActorRef<RaftNode.Command>> out = links.get(id);
    Behavior<RaftNode.Command> node =
        RaftNode.builder(id)
            .members(initialMembers)
            .settings(settings)
            .peers(out::get)
            .journal(journal(id))
            .clock(clock(id))
            .stateMachine(() -> {
              RecordingStateMachine m = new RecordingStateMachine(id, stateMachine.apply(id), observer, restores);
              machines.put(id, m);
              return m;
            })
            .randomSeed(seed * 1_000_003L + id.hashCode() * 31L + incarnation)
            .snapshotDir(snapshots == null ? null : snapshots.resolve(id))
            .build();
    ActorRef<RaftNode.Command> ref = testKit.spawn(node, id + "-" + incarnation, onNode(id));
    running.put(id, ref);
    network.setLive(id, ref);
  }

  private Behavior<Journal.Command> journal(String id) {
    if (fileJournals == null) return MemoryJournal.create(stores.get(id), journalSyncDelay);
    return FileJournal.create(fileJournals.resolve(id).resolve("journal"), id, FILE_SETTINGS);
  }

  /** Small segments, so that test runs cross segment boundaries; real fsyncs. */
  static final FileJournalSettings FILE_SETTINGS = new FileJournalSettings(256 * 1024, true, true);

  /** Props that put an actor on node {@code id}'s dispatcher, so that it pauses with the node. */
  static akka.actor.typed.Props onNode(String id) {
    return akka.actor.typed.DispatcherSelector.fromConfig(NodeExecutor.dispatcherId(id));
  }

  void pause(String id) {
    if (!running.containsKey(id)) throw new IllegalStateException(id + " is not running");
    trace.add("PAUSE " + id);
    gates.get(id).pause();
  }

  void resume(String id) {
    if (gates.get(id).isPaused()) trace.add("RESUME " + id);
    gates.get(id).resume();
  }

  boolean isPaused(String id) {
    return gates.get(id).isPaused();
  }

  void resumeAll() {
    gates.values().forEach(NodeExecutor.Gate::resume);
  }

  /** Unregisters the gates, when the cluster has closed. */
  void releaseGates() {
    gates.values().forEach(NodeExecutor.Gate::unregister);
  }

  void crash(String id) {
    ActorRef<RaftNode.Command> ref = running.remove(id);
    if (ref == null) throw new IllegalStateException(id + " is not running");
    network.setLive(id, null);
    trace.add("CRASH " + id);
    // Stopping needs the node's actors to run, so a paused node resumes to stop: it may handle a
    // few queued messages first, as a node that resumed and crashed a moment later would.
    gates.get(id).resume();
    testKit.stop(ref, Duration.ofSeconds(10));
  }

  /** Deletes everything a crashed node stored: journal and snapshots, as a replaced disk would. */
  void wipe(String id) {
    if (running.containsKey(id)) throw new IllegalStateException(id + " is running; crash it first");
    trace.add("WIPE " + id);
    try {
      if (fileJournals == null) stores.put(id, new MemoryJournalStore());
      else deleteTree(fileJournals.resolve(id));
      if (snapshots != null) deleteTree(snapshots.resolve(id));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) return;
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  void restart(String id) {
    if (running.containsKey(id)) throw new IllegalStateException(id + " is running");
    trace.add("RESTART " + id);
    start(id);
  }
}
