package io.raftactors.raft.journal;

import akka.actor.typed.Behavior;
import com.typesafe.config.Config;

/**
 * Creates the journal actor of a node (SPI). Named in {@code raft.journal.plugin} by its fully
 * qualified class name; needs a public no-argument constructor. The behavior must honour the
 * {@link Journal} protocol, in particular "acknowledged means durable".
 */
public interface JournalProvider {
  /**
   * @param nodeId the node the journal belongs to
   * @param config the full configuration the node was started with
   */
  Behavior<Journal.Command> create(String nodeId, Config config);
}
