package io.raftactors.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The conditions of the test network at one moment (immutable; {@link TestNetwork} swaps it).
 *
 * @param disconnected nodes cut off from everyone
 * @param groupOf when non-empty, a partition: messages pass only between nodes of the same group
 *     (a node in no group is alone)
 * @param dropRate probability that a message is lost
 * @param maxDelay each message is delayed uniformly in [0, maxDelay]
 * @param reordering when false, a link delivers in send order even with delays
 * @param duplicateRate probability that a message is delivered twice
 * @param filters named rules that drop the messages they match
 */
record NetworkPolicy(
    Set<String> disconnected,
    Map<String, Integer> groupOf,
    double dropRate,
    Duration maxDelay,
    boolean reordering,
    double duplicateRate,
    Map<String, MessageFilter> filters) {

  static final NetworkPolicy HEALTHY =
      new NetworkPolicy(Set.of(), Map.of(), 0.0, Duration.ZERO, false, 0.0, Map.of());

  /** Whether a filter drops this message. */
  boolean filtered(String from, String to, Object message) {
    for (MessageFilter f : filters.values()) {
      if (f.drops(from, to, message)) return true;
    }
    return false;
  }

  boolean connected(String from, String to) {
    if (disconnected.contains(from) || disconnected.contains(to)) return false;
    if (groupOf.isEmpty()) return true;
    Integer a = groupOf.get(from);
    return a != null && a.equals(groupOf.get(to));
  }

  boolean isPerfect() {
    return dropRate == 0.0 && maxDelay.isZero() && duplicateRate == 0.0;
  }

  NetworkPolicy withDisconnected(Set<String> d) {
    return new NetworkPolicy(d, groupOf, dropRate, maxDelay, reordering, duplicateRate, filters);
  }

  NetworkPolicy withGroups(Map<String, Integer> g) {
    return new NetworkPolicy(disconnected, g, dropRate, maxDelay, reordering, duplicateRate, filters);
  }

  NetworkPolicy withUnreliable(double drop, Duration delay) {
    return new NetworkPolicy(disconnected, groupOf, drop, delay, reordering, duplicateRate, filters);
  }

  NetworkPolicy withReordering(boolean r) {
    return new NetworkPolicy(disconnected, groupOf, dropRate, maxDelay, r, duplicateRate, filters);
  }

  NetworkPolicy withFilters(Map<String, MessageFilter> f) {
    return new NetworkPolicy(disconnected, groupOf, dropRate, maxDelay, reordering, duplicateRate, f);
  }

  NetworkPolicy withDuplicates(double rate) {
    return new NetworkPolicy(disconnected, groupOf, dropRate, maxDelay, reordering, rate, filters);
  }
}
