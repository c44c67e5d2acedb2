package io.raftactors.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {

  private static RaftSettings with(String hocon) {
    return RaftSettings.fromRoot(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()));
  }

  @Test
  void referenceDefaultsAreValid() {
    RaftSettings s = RaftSettings.load();
    assertEquals(Duration.ofMillis(300), s.electionTimeoutMin());
    assertTrue(s.preVote());
    assertTrue(s.checkQuorum());
    assertEquals("file", s.journalPlugin());
  }

  @Test
  void badValuesNameTheirKey() {
    assertMessage("raft.election-timeout-max", "raft.election-timeout-max = 100ms");
    assertMessage("raft.heartbeat-interval", "raft.heartbeat-interval = 200ms");
    assertMessage("raft.limits.max-command-bytes", "raft.limits.max-command-bytes = 1 MiB");
    assertMessage("raft.replication.max-inflight-appends", "raft.replication.max-inflight-appends = 0");
    assertMessage("election-timeout-min", "raft.election-timeout-min = soon");
  }

  @Test
  void aBatchMustFitArterysFrame() {
    assertMessage("maximum-frame-size",
        "akka.remote.artery.advanced.maximum-frame-size = 64 KiB");
  }

  private static void assertMessage(String key, String hocon) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(hocon));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
