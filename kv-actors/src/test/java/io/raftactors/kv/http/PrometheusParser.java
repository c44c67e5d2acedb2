package io.raftactors.kv.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Parses Prometheus text with the official Python client's parser (Debian's
 * python3-prometheus-client). CI sets {@code RAFT_REQUIRE_DASHBOARD_TOOLS=1}, so there a missing
 * parser fails the test; elsewhere the check is skipped.
 */
public final class PrometheusParser {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private PrometheusParser() {}

  public static void assertParses(String text) throws Exception {
    boolean present = Files.isExecutable(PYTHON) && python("import prometheus_client.parser", "").exit == 0;
    if ("1".equals(System.getenv("RAFT_REQUIRE_DASHBOARD_TOOLS"))) {
      assertTrue(present, "/usr/bin/python3 with prometheus_client must be installed (python3-prometheus-client)");
    }
    Assumptions.assumeTrue(present, "/usr/bin/python3 or python3-prometheus-client not installed");
    Result r = python("import sys\nfrom prometheus_client.parser import text_string_to_metric_families as p\n"
        + "n = sum(len(f.samples) for f in p(sys.stdin.read()))\nprint(n)", text);
    assertEquals(0, r.exit, r.output + "\n" + text);
    assertTrue(Long.parseLong(r.output.trim()) > 10, "samples parsed: " + r.output);
  }

  private record Result(int exit, String output) {}

  private static Result python(String script, String stdin) throws Exception {
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", script).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, "timed out");
    }
    return new Result(p.exitValue(), out);
  }
}
