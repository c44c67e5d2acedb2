package io.raftactors.testkit;

/**
 * A rule of the {@link TestNetwork} that drops the messages it matches (like MicroRaft's
 * firewall), for scripting precise scenarios: "drop vote requests from n2", "drop AppendEntries
 * from n1 that carry entries of term 4".
 */
@FunctionalInterface
public interface MessageFilter {
  /** True to drop {@code message}, sent by {@code from} to {@code to}. */
  boolean drops(String from, String to, Object message);
}
