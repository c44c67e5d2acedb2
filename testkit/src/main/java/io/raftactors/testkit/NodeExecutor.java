package io.raftactors.testkit;

import akka.dispatch.DispatcherPrerequisites;
import akka.dispatch.ExecutorServiceConfigurator;
import akka.dispatch.ExecutorServiceFactory;
import com.typesafe.config.Config;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The executor behind one test node's dispatcher: every actor of that node (the Raft node, its
 * replicators and applier, services spawned next to it) runs here, so that the node can be paused
 * as a whole, like a process under SIGSTOP or a long GC pause. While paused, no actor of the node
 * runs: messages (from peers, clients and the node's own timers) wait in its mailboxes and nothing
 * leaves it; on resume they are handled in the order they arrived, timers late.
 *
 * <p>Akka creates the executor from config ({@code executor = "...NodeExecutor$Configurator"},
 * {@code gate = key}); the {@link Gate} registered under that key is what pauses it. Akka may shut
 * an idle dispatcher's executor down and create a new one later, so the pause state lives in the
 * gate, not in an executor.
 */
final class NodeExecutor extends AbstractExecutorService {
  private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

  /** Pauses and resumes the actors of one node. */
  static final class Gate {
    private final String key;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean paused;

    private Gate(String key) {
      this.key = key;
    }

    /** From now on, no task of this node starts until {@link #resume}. A running task finishes. */
    synchronized void pause() {
      paused = true;
    }

    /** Lets the held tasks run, in the order they were submitted. */
    void resume() {
      List<Held> release;
      synchronized (this) {
        paused = false;
        release = new ArrayList<>(held);
        held.clear();
      }
      for (Held h : release) h.executor.execute(h.task);
    }

    synchronized boolean isPaused() {
      return paused;
    }

    /** Forgets this gate (when its cluster closes). */
    void unregister() {
      resume();
      GATES.remove(key);
    }

    /** Runs {@code task} now, or holds it if paused. */
    private void runOrHold(NodeExecutor executor, Runnable task) {
      synchronized (this) {
        if (paused) {
          held.add(new Held(executor, task));
          return;
        }
      }
      task.run();
    }
  }

  private record Held(NodeExecutor executor, Runnable task) {}

  /** The config path of node {@code nodeId}'s dispatcher. */
  static String dispatcherId(String nodeId) {
    return "raft-testkit.node-dispatchers." + nodeId;
  }

  /** The HOCON that defines node {@code nodeId}'s dispatcher, paused by the gate {@code gateKey}. */
  static String dispatcherConfig(String nodeId, String gateKey) {
    return dispatcherId(nodeId) + " {\n"
        + "  type = Dispatcher\n"
        + "  executor = \"" + Configurator.class.getName() + "\"\n"
        + "  gate = \"" + gateKey + "\"\n"
        + "  throughput = 5\n"
        + "}\n";
  }

  /** A new gate under a key no other cluster uses. */
  static Gate register(String key) {
    Gate gate = new Gate(key);
    if (GATES.putIfAbsent(key, gate) != null) throw new IllegalStateException("gate " + key + " exists");
    return gate;
  }

  /** Akka's hook: makes the executor of a dispatcher whose config names a gate. */
  public static final class Configurator extends ExecutorServiceConfigurator {
    private final String key;
    private final int threads;

    public Configurator(Config config, DispatcherPrerequisites prerequisites) {
      super(config, prerequisites);
      this.key = config.getString("gate");
      this.threads = config.hasPath("threads") ? config.getInt("threads") : 2;
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
      return () -> {
        Gate gate = GATES.get(key);
        if (gate == null) throw new IllegalStateException("no gate " + key + " for dispatcher " + id);
        return new NodeExecutor(gate, Executors.newFixedThreadPool(threads, threadFactory));
      };
    }
  }

  private final Gate gate;
  private final ExecutorService delegate;

  private NodeExecutor(Gate gate, ExecutorService delegate) {
    this.gate = gate;
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    delegate.execute(() -> gate.runOrHold(this, task));
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    return delegate.shutdownNow();
  }

  @Override
  public boolean isShutdown() {
    return delegate.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return delegate.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return delegate.awaitTermination(timeout, unit);
  }
}
