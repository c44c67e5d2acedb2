package io.raftactors.testkit;

import java.util.Arrays;

/** A command a node's state machine applied: its log index and the command bytes. */
public record AppliedEntry(long index, long term, byte[] command) {
  @Override
  public boolean equals(Object o) {
    return o instanceof AppliedEntry e
        && e.index == index
        && e.term == term
        && Arrays.equals(e.command, command);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Arrays.hashCode(command);
  }

  @Override
  public String toString() {
    return index + "@" + term + ":" + new String(command, java.nio.charset.StandardCharsets.UTF_8);
  }
}
