package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/**
 * Proposes a command to the group. Send it to any member: followers forward it to the leader
 * (at most {@code raft.proposals.max-forward-hops} times). The answer goes to {@code replyTo}.
 *
 * @param hops how many times it was forwarded already (0 when a client sends it)
 */
public record Propose(byte[] command, ActorRef<ProposeResult> replyTo, int hops)
    implements RaftNode.Command, RaftSerializable {

  public Propose(byte[] command, ActorRef<ProposeResult> replyTo) {
    this(command, replyTo, 0);
  }

  /** This proposal one forwarding hop further. */
  public Propose nextHop() {
    return new Propose(command, replyTo, hops + 1);
  }
}
