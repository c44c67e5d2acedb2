package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/**
 * Asks the leader (any member forwards it there) to hand leadership to voter {@code target}, or,
 * when it is null, to the voter whose log is most up to date (dissertation 3.10). The leader stops
 * appending proposals (it holds them, and hands them to the next leader), brings the target's log
 * up to date, and sends it {@code TimeoutNow}; the target campaigns at once. If no new leader
 * appears within an election timeout, the leader takes proposals again and answers {@link
 * TransferResult.NotTransferred}. A leader that shuts down gracefully does this first.
 */
public record TransferLeadership(String target, ActorRef<TransferResult> replyTo, int hops)
    implements RaftNode.Command, RaftSerializable {

  public TransferLeadership(String target, ActorRef<TransferResult> replyTo) {
    this(target, replyTo, 0);
  }

  /** This request one forwarding hop further. */
  public TransferLeadership nextHop() {
    return new TransferLeadership(target, replyTo, hops + 1);
  }
}
