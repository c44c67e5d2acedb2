package io.raftactors.testkit;

import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.StateMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a node's state machine: records what it applied (for {@link RaftTestCluster#applied})
 * and lets the invariant observer compare every applied entry across nodes as it happens.
 * Snapshots pass through to the wrapped machine (entries a snapshot covers are not in {@code
 * applied}).
 */
final class RecordingStateMachine implements StateMachine {
  private final String nodeId;
  private final StateMachine delegate;
  private final InvariantObserver observer;
  private final List<AppliedEntry> applied = new ArrayList<>();

  private final java.util.concurrent.atomic.AtomicLong restoresInCluster;

  RecordingStateMachine(String nodeId, StateMachine delegate, InvariantObserver observer,
      java.util.concurrent.atomic.AtomicLong restoresInCluster) {
    this.nodeId = nodeId;
    this.delegate = delegate;
    this.observer = observer;
    this.restoresInCluster = restoresInCluster;
  }

  @Override
  public byte[] apply(CommittedCommand command) {
    AppliedEntry entry = new AppliedEntry(command.index(), command.term(), command.command());
    synchronized (applied) {
      if (!applied.isEmpty() && applied.get(applied.size() - 1).index() >= command.index()) {
        observer.violation(nodeId + " applied index " + command.index() + " after "
            + applied.get(applied.size() - 1).index());
      }
      applied.add(entry);
    }
    observer.onApplied(nodeId, entry);
    return delegate.apply(command);
  }

  @Override
  public void batchApplied() {
    delegate.batchApplied();
  }

  @Override
  public Object read(Object query) {
    return delegate.read(query);
  }

  @Override
  public Snapshot snapshot() {
    return delegate.snapshot();
  }

  @Override
  public void restore(java.io.InputStream in) throws java.io.IOException {
    delegate.restore(in);
    restoresInCluster.incrementAndGet();
  }

  List<AppliedEntry> applied() {
    synchronized (applied) {
      return new ArrayList<>(applied);
    }
  }
}
