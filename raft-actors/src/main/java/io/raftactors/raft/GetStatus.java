package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/** Asks a node for its {@link NodeStatus}. */
public record GetStatus(ActorRef<NodeStatus> replyTo) implements RaftNode.Command, RaftSerializable {}
