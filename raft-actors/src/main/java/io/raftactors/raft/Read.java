package io.raftactors.raft;

import akka.actor.typed.ActorRef;

/**
 * Reads the state machine of the node this is sent to ({@link StateMachine#read}), at the given
 * consistency. Local: the query is handed to this node's state machine and never serialized.
 */
public record Read(Object query, ReadConsistency consistency, ActorRef<ReadResult> replyTo)
    implements RaftNode.Command {}
