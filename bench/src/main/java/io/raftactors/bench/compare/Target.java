package io.raftactors.bench.compare;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A system under test with its client: started fresh on 127.0.0.1, measured, stopped by PID.
 * Virtual client {@code i} keeps to one connection (and server) of its own where the client
 * allows it, the leader's first.
 */
interface Target extends AutoCloseable {
  /** Starts the servers and the client; returns once a write went through. */
  void start() throws Exception;

  /** Server process name (the leader's marked {@code (L)}) to PID. */
  Map<String, Long> serverPids();

  /** One line on the setup: servers, leader, client path. */
  String describe();

  CompletableFuture<?> put(int client, int key);

  /** A linearizable read, or a stale (serializable) one. */
  CompletableFuture<?> get(int client, int key, boolean stale);

  /**
   * Batch-size histograms the servers report (cumulative; the harness takes the difference over
   * each measured window), by "node metric"; empty when the target reports none.
   */
  default Map<String, BatchStats> batchStats() {
    return Map.of();
  }

  /** Called before each read run with its number of virtual clients. */
  default void beforeReads(boolean stale, int clients) throws Exception {}

  /** Stops the client and the servers, deletes the data. */
  @Override
  void close() throws Exception;
}
