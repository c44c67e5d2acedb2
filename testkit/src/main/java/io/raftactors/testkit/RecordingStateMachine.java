package io.raftactors.testkit;

import io.raftactors.raft.CommittedCommand;
import io.raftactors.raft.StateMachine;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a node's state machine: records what it applied (for {@link RaftTestCluster#applied})
 * and lets the invariant observer compare every applied entry across nodes as it happens.
 */
final class RecordingStateMachine implements StateMachine {
  private final String nodeId;
  private final StateMachine delegate;
  private final InvariantObserver observer;
  private final List<AppliedEntry> applied = new ArrayList<>();

  RecordingStateMachine(String nodeId, StateMachine delegate, InvariantObserver observer) {
    this.nodeId = nodeId;
    this.delegate = delegate;
    this.observer = observer;
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
  public Object read(Object query) {
    return delegate.read(query);
  }

  List<AppliedEntry> applied() {
    synchronized (applied) {
      return new ArrayList<>(applied);
    }
  }
}
