package io.raftactors.kv.lock;

import java.util.Optional;

/** What {@link LockService} tells the actors that use it. */
public sealed interface LockEvent {
  /** The lock (or leadership of the election) {@code name} is held, with {@code token}. */
  record Acquired(String name, long token) implements LockEvent {}

  /** It was not acquired: the wait ran out, or the store failed ({@code reason}). Nothing is held or queued. */
  record NotAcquired(String name, String reason) implements LockEvent {}

  /** It was held with {@code token} and is lost: its session ended or its entry was deleted. */
  record Lost(String name, long token, String reason) implements LockEvent {}

  /** Released on request. */
  record Released(String name) implements LockEvent {}

  /** The leader of election {@code name} now, if any (observers). */
  record LeaderChanged(String name, Optional<KvElection.Leader> leader) implements LockEvent {}
}
