package io.raftactors.kv.http;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the dashboard's demo buttons do, in {@code raft-kv local} only: crash and restart a member,
 * cut one off the network and heal it, and a load generator. A console without one shows no
 * buttons and refuses {@code /demo/...}.
 */
public interface DemoControl {
  /** Stops member {@code nodeId} at once (its journal keeps what it made durable). */
  CompletionStage<String> crash(String nodeId);

  /** Starts a crashed member again from its data directory. */
  CompletionStage<String> restart(String nodeId);

  /** Cuts member {@code nodeId} off: no Raft message reaches it or leaves it. */
  CompletionStage<String> isolate(String nodeId);

  /** Ends every cut. */
  CompletionStage<String> heal();

  /** Starts or stops a steady stream of writes to the cluster. */
  CompletionStage<String> load(boolean on);

  /** What the buttons need to show: {@code crashed}, {@code isolated} (member lists), {@code load}. */
  Map<String, Object> state();
}
