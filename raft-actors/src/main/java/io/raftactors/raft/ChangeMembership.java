package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/**
 * Asks the leader (any member forwards it there) to change the cluster's membership by one
 * server, through a {@code CONFIG} log entry (dissertation 4.1-4.2):
 *
 * <ul>
 *   <li>{@link Kind#ADD_LEARNER}: {@code nodeId} (reached at {@code address}, if the {@link
 *       Peers} in use need one) starts receiving the log without voting;
 *   <li>{@link Kind#PROMOTE}: learner {@code nodeId} becomes a voter, only if it is within {@code
 *       raft.membership.promote-max-lag} entries of the leader's log, so that adding it never
 *       stalls commits;
 *   <li>{@link Kind#REMOVE}: {@code nodeId} (voter or learner, the leader too) leaves.
 * </ul>
 *
 * Answered, as a proposal is, with {@link ProposeResult.Applied} once the change is committed;
 * {@link ProposeResult.Rejected} when it certainly did not happen ({@link RejectReason#INVALID}:
 * it does not fit the current membership; {@link RejectReason#BUSY}: another change or a transfer
 * is in progress, or the new leader has not yet committed an entry of its term; retry); or
 * {@link ProposeResult.Unknown}. One change at a time: the next starts once the last committed.
 */
public record ChangeMembership(
    Kind kind, String nodeId, String address, ActorRef<ProposeResult> replyTo, int hops)
    implements RaftNode.Command, RaftSerializable {

  public ChangeMembership(Kind kind, String nodeId, String address, ActorRef<ProposeResult> replyTo) {
    this(kind, nodeId, address, replyTo, 0);
  }

  /** This request one forwarding hop further. */
  public ChangeMembership nextHop() {
    return new ChangeMembership(kind, nodeId, address, replyTo, hops + 1);
  }

  public enum Kind {
    ADD_LEARNER,
    PROMOTE,
    REMOVE
  }

  public ChangeMembership {
    java.util.Objects.requireNonNull(kind, "kind");
    Membership.checkId(nodeId);
  }
}
