package io.raftactors.raft.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static MetricRegistry small() {
    MetricRegistry r = new MetricRegistry();
    r.counter("raft_proposals_total", "Entries proposed.").add(5);
    r.gauge("raft_term", "The term.").set(3);
    CounterFamily sent = r.counterFamily("raft_messages_sent_total", "Messages sent.", "peer");
    sent.labels("n3").add(2);
    sent.labels("n2").add(7);
    Histogram h = r.histogram("raft_fsync_seconds", "Fsync time.", new long[] {1_000_000, 10_000_000}, 1e-9);
    h.observe(500_000);
    h.observe(2_000_000);
    h.observe(50_000_000);
    return r;
  }

  @Test
  void oneRegistryExactly() {
    assertEquals("""
        # HELP raft_proposals_total Entries proposed.
        # TYPE raft_proposals_total counter
        raft_proposals_total 5
        # HELP raft_term The term.
        # TYPE raft_term gauge
        raft_term 3
        # HELP raft_messages_sent_total Messages sent.
        # TYPE raft_messages_sent_total counter
        raft_messages_sent_total{peer="n2"} 7
        raft_messages_sent_total{peer="n3"} 2
        # HELP raft_fsync_seconds Fsync time.
        # TYPE raft_fsync_seconds histogram
        raft_fsync_seconds_bucket{le="0.001"} 1
        raft_fsync_seconds_bucket{le="0.01"} 2
        raft_fsync_seconds_bucket{le="+Inf"} 3
        raft_fsync_seconds_sum 0.0525
        raft_fsync_seconds_count 3
        """, PrometheusText.render(small()));
  }

  @Test
  void severalNodesShareOneHeaderPerMetric() {
    MetricRegistry n1 = small();
    MetricRegistry n2 = new MetricRegistry();
    n2.gauge("raft_term", "The term.").set(4);
    n2.counter("raft_elections_total", "Elections.").increment();
    n2.counter("raft_proposals_total", "Entries proposed.");
    String text = PrometheusText.render(List.of(n1.labeled("node", "n1"), n2.labeled("node", "n2")));
    assertEquals("""
        # HELP raft_proposals_total Entries proposed.
        # TYPE raft_proposals_total counter
        raft_proposals_total{node="n1"} 5
        raft_proposals_total{node="n2"} 0
        # HELP raft_term The term.
        # TYPE raft_term gauge
        raft_term{node="n1"} 3
        raft_term{node="n2"} 4
        # HELP raft_messages_sent_total Messages sent.
        # TYPE raft_messages_sent_total counter
        raft_messages_sent_total{node="n1",peer="n2"} 7
        raft_messages_sent_total{node="n1",peer="n3"} 2
        # HELP raft_fsync_seconds Fsync time.
        # TYPE raft_fsync_seconds histogram
        raft_fsync_seconds_bucket{node="n1",le="0.001"} 1
        raft_fsync_seconds_bucket{node="n1",le="0.01"} 2
        raft_fsync_seconds_bucket{node="n1",le="+Inf"} 3
        raft_fsync_seconds_sum{node="n1"} 0.0525
        raft_fsync_seconds_count{node="n1"} 3
        # HELP raft_elections_total Elections.
        # TYPE raft_elections_total counter
        raft_elections_total{node="n2"} 1
        """, text);
  }

  @Test
  void labelValuesAndHelpAreEscaped() {
    MetricRegistry r = new MetricRegistry();
    r.counterFamily("odd_total", "Back\\slash, \"quotes\"\nand a new line.", "k").labels("a\\b\"c\nd").increment();
    assertEquals("""
        # HELP odd_total Back\\\\slash, "quotes"\\nand a new line.
        # TYPE odd_total counter
        odd_total{node="x\\"y",k="a\\\\b\\"c\\nd"} 1
        """, PrometheusText.render(List.of(r.labeled("node", "x\"y"))));
  }

  @Test
  void conflictsAreRefused() {
    MetricRegistry a = new MetricRegistry();
    a.counter("x_total", "x");
    MetricRegistry b = new MetricRegistry();
    b.gauge("x_total", "x");
    assertThrows(IllegalArgumentException.class,
        () -> PrometheusText.render(List.of(a.labeled("node", "a"), b.labeled("node", "b"))));
    MetricRegistry c = new MetricRegistry();
    c.counterFamily("y_total", "y", "node").labels("n2");
    assertThrows(IllegalArgumentException.class, () -> PrometheusText.render(List.of(c.labeled("node", "n1"))));
    assertThrows(IllegalArgumentException.class, () -> a.labeled("bad-name", "v"));
    assertEquals("", PrometheusText.render(new MetricRegistry()));
  }

  /**
   * The official Python client's parser reads the text. Debian's python3-prometheus-client; CI sets
   * {@code RAFT_REQUIRE_DASHBOARD_TOOLS=1}, so there a missing parser fails the test, elsewhere it is skipped.
   */
  @Test
  void theOfficialParserReadsIt() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    boolean present = Files.isExecutable(python) && run(List.of(python.toString(), "-c", "import prometheus_client.parser"), "").exit() == 0;
    if ("1".equals(System.getenv("RAFT_REQUIRE_DASHBOARD_TOOLS"))) {
      assertTrue(present, "/usr/bin/python3 with prometheus_client must be installed (apt-get install -y python3-prometheus-client)");
    }
    Assumptions.assumeTrue(present, "/usr/bin/python3 or python3-prometheus-client not installed");

    MetricRegistry n1 = small();
    n1.counterFamily("odd_total", "Odd \\ \"help\"\nhere.", "k").labels("a\\b\"c\nd").increment();
    MetricRegistry n2 = small();
    n2.counter("raft_elections_total", "Elections.").increment();
    String text = PrometheusText.render(List.of(n1.labeled("node", "n1"), n2.labeled("node", "n2")));
    Result r = run(List.of(python.toString(), "-c", "import sys; from prometheus_client.parser import "
        + "text_string_to_metric_families as p; fams=list(p(sys.stdin.read())); print(len(fams))"), text);
    assertEquals(new Result(0, "6\n"), r, text);
  }

  record Result(int exit, String out) {}

  private static Result run(List<String> command, String stdin) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 60 s");
    }
    return new Result(p.exitValue(), out);
  }
}
