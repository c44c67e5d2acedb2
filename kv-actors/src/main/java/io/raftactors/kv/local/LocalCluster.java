package io.raftactors.kv.local;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.Propose;
import io.raftactors.raft.ProposeResult;
import io.raftactors.raft.RaftNode;
import io.raftactors.raft.Role;
import io.raftactors.raft.StateMachine;
import io.raftactors.raft.journal.MemoryJournal;
import io.raftactors.raft.journal.MemoryJournalStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * N Raft members in one actor system, talking through direct refs, each with a journal whose
 * store outlives the member, so a member can be stopped ("crashed") and started again from what
 * it had made durable. Used by {@code raft-kv local}.
 */
public final class LocalCluster implements AutoCloseable {
  private final ActorSystem<SpawnProtocol.Command> system;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, MemoryJournalStore> stores = new LinkedHashMap<>();
  private final Map<String, ActorRef<RaftNode.Command>> live = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<NodeHost.Command>> hosts = new LinkedHashMap<>();
  private final Map<String, Integer> incarnations = new ConcurrentHashMap<>();
  private final Supplier<StateMachine> stateMachine;

  public LocalCluster(int nodes, Supplier<StateMachine> stateMachine) {
    this.system = ActorSystem.create(SpawnProtocol.create(), "raft-local");
    this.stateMachine = stateMachine;
    for (int i = 1; i <= nodes; i++) {
      ids.add("n" + i);
      stores.put("n" + i, new MemoryJournalStore());
    }
    for (String id : ids) {
      hosts.put(id, await(AskPattern.ask(system,
          (ActorRef<ActorRef<NodeHost.Command>> r) ->
              new SpawnProtocol.Spawn<>(NodeHost.create(), id, Props.empty(), r),
          Duration.ofSeconds(5), system.scheduler())));
      start(id);
    }
  }

  public List<String> nodeIds() {
    return List.copyOf(ids);
  }

  public boolean isRunning(String id) {
    return live.containsKey(id);
  }

  /** Starts member {@code id} (again) from its journal. */
  public void start(String id) {
    if (live.containsKey(id)) throw new IllegalStateException(id + " is running");
    int incarnation = incarnations.merge(id, 1, Integer::sum);
    Behavior<RaftNode.Command> node = RaftNode.builder(id)
        .members(ids)
        .peers(peer -> live.getOrDefault(peer, system.deadLetters().unsafeUpcast()))
        .journal(MemoryJournal.create(stores.get(id)))
        .stateMachine(stateMachine)
        .build();
    ActorRef<RaftNode.Command> ref = await(AskPattern.ask(hosts.get(id),
        (ActorRef<ActorRef<RaftNode.Command>> r) ->
            new NodeHost.Start(node, "incarnation-" + incarnation, r),
        Duration.ofSeconds(5), system.scheduler()));
    live.put(id, ref);
  }

  /** Stops member {@code id} at once; only what its journal made durable survives. */
  public void crash(String id) {
    ActorRef<RaftNode.Command> ref = live.remove(id);
    if (ref == null) throw new IllegalStateException(id + " is not running");
    await(AskPattern.ask(hosts.get(id), NodeHost.Stop::new, Duration.ofSeconds(10), system.scheduler()));
  }

  public NodeStatus status(String id) {
    ActorRef<RaftNode.Command> ref = live.get(id);
    if (ref == null) throw new IllegalStateException(id + " is not running");
    return await(AskPattern.ask(ref, GetStatus::new, Duration.ofSeconds(3), system.scheduler()));
  }

  /** The member that leads with a majority following it, if any. */
  public Optional<String> leader() {
    List<NodeStatus> statuses = new ArrayList<>();
    for (String id : ids) if (isRunning(id)) statuses.add(status(id));
    for (NodeStatus s : statuses) {
      if (s.role() != Role.LEADER) continue;
      long following = statuses.stream()
          .filter(o -> o.term() == s.term() && s.nodeId().equals(o.leaderId())).count();
      if (following > ids.size() / 2) return Optional.of(s.nodeId());
    }
    return Optional.empty();
  }

  public String awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> leader = leader();
      if (leader.isPresent()) return leader.get();
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
    throw new IllegalStateException("no leader within " + timeout);
  }

  public ProposeResult propose(String via, byte[] command) {
    ActorRef<RaftNode.Command> ref = live.get(via);
    if (ref == null) throw new IllegalStateException(via + " is not running");
    CompletableFuture<ProposeResult> result = new CompletableFuture<>();
    AskPattern.ask(ref, (ActorRef<ProposeResult> r) -> new Propose(command, r),
            Duration.ofSeconds(5), system.scheduler())
        .whenCompleteAsync((r, e) -> result.complete(
            e == null ? r : new ProposeResult.Unknown("no answer: " + e)), Runnable::run);
    return await(result);
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // shutting down anyway
    }
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
