package io.raftactors.raft.journal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftactors.raft.journal.Journal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a JVM that is writing to a file journal (SIGKILL, no shutdown hooks) several times, and
 * checks after each kill that every entry and vote acknowledged before it is there and intact.
 */
class JournalCrashTest {
  static final Logger LOG = LoggerFactory.getLogger(JournalCrashTest.class);

  @TempDir Path dir;

  @Test
  void everythingAcknowledgedBeforeAKill9SurvivesIt() throws Exception {
    long totalAcked = 0;
    for (int round = 1; round <= 4; round++) {
      Process child = new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp", System.getProperty("java.class.path"),
              "-Xmx256m",
              CrashChild.class.getName(), dir.toString())
          .redirectErrorStream(true)
          .start();
      long ackedIndex = 0;
      long ackedTerm = 0;
      int acks = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
          if (line.startsWith("ACK ")) {
            String[] p = line.split(" ");
            ackedIndex = Math.max(ackedIndex, Long.parseLong(p[1]));
            ackedTerm = Math.max(ackedTerm, Long.parseLong(p[2]));
            if (++acks == 300 * round) break;
          } else if (line.contains("ERROR") || line.contains("Exception")) {
            LOG.warn("child: {}", line);
          }
        }
        child.destroyForcibly(); // SIGKILL while it keeps writing
        child.waitFor(10, TimeUnit.SECONDS);
      }
      assertTrue(acks > 0, "the child acknowledged nothing in round " + round);

      SegmentedLog.Opened opened = SegmentedLog.open(dir, "n1", CrashChild.SETTINGS, Runnable::run, LOG);
      Journal.Recovered r = opened.recovered();
      opened.log().close();
      assertTrue(r.entries().size() >= ackedIndex,
          "round " + round + ": acknowledged up to " + ackedIndex + " but recovered " + r.entries().size());
      assertTrue(r.term() >= ackedTerm, "acknowledged term " + ackedTerm + " but recovered " + r.term());
      List<io.raftactors.raft.log.LogEntry> entries = r.entries();
      for (int i = 0; i < entries.size(); i++) {
        assertEquals(CrashChild.expected(i + 1), entries.get(i), "entry " + (i + 1) + " after round " + round);
      }
      LOG.info("round {}: {} acknowledgements up to index {}, recovered {} entries", round, acks,
          ackedIndex, entries.size());
      totalAcked = ackedIndex;
    }
    assertTrue(totalAcked > 1000, "too little was written to mean anything: " + totalAcked);
  }
}
