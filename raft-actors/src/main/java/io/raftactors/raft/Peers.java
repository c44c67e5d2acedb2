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

  /**
   * Sends {@code message} to {@code nodeId}, if this node knows how to reach it; otherwise (a
   * member added without an address these peers need) the message is lost, as on a network, and
   * this returns false.
   */
  default boolean trySend(String nodeId, RaftNode.Command message) {
    ActorRef<RaftNode.Command> ref;
    try {
      ref = ref(nodeId);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (ref == null) return false;
    ref.tell(message);
    return true;
  }

  /**
   * The configuration in force at this node changed (a member was added, promoted or removed,
   * or a change was undone): implementations that reach members by address learn new ones here.
   * Called from the node's actor, before any message goes to a new member.
   */
  default void membershipChanged(Membership membership) {}
}
