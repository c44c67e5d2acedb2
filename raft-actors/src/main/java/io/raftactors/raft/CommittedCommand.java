package io.raftactors.raft;

/**
 * A committed command handed to the {@link StateMachine}.
 *
 * @param index log index of the entry
 * @param term term in which the leader appended it
 * @param timestamp the leader's wall-clock time (epoch millis) when it appended the entry; the
 *     same on every replica, so use it (never the local clock) for time-dependent decisions
 * @param command the proposed bytes (do not modify)
 */
public record CommittedCommand(long index, long term, long timestamp, byte[] command) {}
