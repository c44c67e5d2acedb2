package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/**
 * How a node reaches the other members: a stable node id maps to the {@link ActorRef} of that
 * member's {@link RaftNode} actor. A real cluster resolves remote refs over Artery; the testkit
 * returns refs of its controllable network links. Node ids, never refs, identify members.
 *
 * <p>Called for every message sent, from the node's actors: return the current ref (a restarted
 * member may have a new one), quickly and without blocking.
 */
@FunctionalInterface
public interface Peers {
  /** The ref through which messages reach node {@code nodeId}; never null. */
  ActorRef<RaftNode.Command> ref(String nodeId);
}
