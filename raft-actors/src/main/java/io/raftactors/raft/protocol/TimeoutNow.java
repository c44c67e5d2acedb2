package io.raftactors.raft.protocol;

/**
 * Leadership transfer (dissertation 3.10): the leader of {@code term}, having brought the receiver
 * up to date, tells it to start an election at once, without waiting for its timeout and without
 * a pre-vote round.
 */
public record TimeoutNow(long term, String from) implements RaftMessage {}
