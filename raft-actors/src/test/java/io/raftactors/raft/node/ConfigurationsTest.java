package io.raftactors.raft.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.raftactors.raft.Membership;
import io.raftactors.raft.log.EntryKind;
import io.raftactors.raft.log.LogEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration in force is the latest in the log, committed or not (dissertation 4.1). */
class ConfigurationsTest {
  private static final Membership INITIAL = Membership.ofVoters(List.of("n1", "n2", "n3"), Map.of());
  private static final Membership WITH_N4 = INITIAL.withLearner("n4", "h:4");
  private static final Membership N4_VOTES = WITH_N4.promoted("n4");

  private static LogEntry config(long index, Membership m) {
    return new LogEntry(index, 1, 0, EntryKind.CONFIG, m.encode());
  }

  @Test
  void theLatestInTheLogIsInForceAndTruncationBringsBackTheOneBefore() {
    Configurations c = new Configurations(INITIAL);
    assertEquals(INITIAL, c.current());
    assertEquals(0, c.currentIndex());
    c.appended(List.of(LogEntry.noop(1, 1, 0), config(2, WITH_N4), LogEntry.command(3, 1, 0, new byte[1])));
    c.appended(List.of(config(4, N4_VOTES)));
    assertEquals(N4_VOTES, c.current());
    assertEquals(4, c.currentIndex());
    assertEquals(WITH_N4, c.at(3));
    assertEquals(INITIAL, c.at(1));
    c.truncatedFrom(4);
    assertEquals(WITH_N4, c.current());
    c.truncatedFrom(2);
    assertSame(INITIAL, c.current());
  }

  @Test
  void compactionAndSnapshotsKeepTheConfigurationAndItsIndex() {
    Configurations c = new Configurations(INITIAL);
    c.appended(List.of(config(2, WITH_N4), config(5, N4_VOTES)));
    c.compactedTo(3); // the entry at 2 leaves the log: it becomes the base
    assertEquals(N4_VOTES, c.current());
    c.truncatedFrom(5);
    assertEquals(WITH_N4, c.current());
    assertEquals(2, c.currentIndex());
    // Replaced by a snapshot whose configuration came from the entry at 7.
    c.resetTo(7, INITIAL.without("n3"));
    assertEquals(List.of("n1", "n2"), c.current().voters());
    assertEquals(7, c.currentIndex());
    // A snapshot without a configuration (an older file) leaves the base, but not the log's.
    c.appended(List.of(config(9, WITH_N4)));
    c.resetTo(10, null);
    assertEquals(List.of("n1", "n2"), c.current().voters());
  }

  @Test
  void membershipsRoundTripAndRefuseWhatCannotBe() {
    Membership m = N4_VOTES.withLearner("n5", "[::1]:2555");
    assertEquals(m, Membership.decode(m.encode()));
    assertEquals("h:4", m.address("n4"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.withLearner("n5", null));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.promoted("n1"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.without("n9"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Membership(List.of("n1"), List.of("n1"), Map.of()));
  }
}
