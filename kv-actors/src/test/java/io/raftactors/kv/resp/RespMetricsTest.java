package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import akka.util.ByteString;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** kv_resp_commands_total and kv_resp_errors_total, read back through INFO raftstats. */
class RespMetricsTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  @Test
  void commandsByNameAndErrorsByCodeWithBoundedLabels() throws Exception {
    try (RawClient c = new RawClient(NODES.port("n2"))) {
      c.send("SET mk v\r\nGET mk\r\nFOOBAR x\r\nnosuch-\u00e9\r\nINCR mk\r\nHSET mh f v\r\nget mh\r\n"
          + "EVAL \"return {err='MYCODE boom'}\" 0\r\n");
      for (int i = 0; i < 9; i++) assertNotNull(c.line(), "reply line " + i);
      Map<String, String> stats = raftstats(c);
      assertEquals(new TreeMap<>(Map.of("set", 1L, "get", 2L, "unknown", 2L, "incr", 1L, "hset", 1L, "eval", 1L,
          "info", 1L)), counts(stats.get("kv_resp_commands_total")));
      assertEquals(new TreeMap<>(Map.of("ERR", 3L, "WRONGTYPE", 1L, "other", 1L)),
          counts(stats.get("kv_resp_errors_total")));
    }
  }

  @Test
  void theErrorCodeIsTheFirstWordIfKnown() {
    assertEquals("ERR", RespMetrics.prefixOf(Resp.error("ERR syntax error")));
    assertEquals("WRONGTYPE", RespMetrics.prefixOf(Resp.error("WRONGTYPE Operation against a key")));
    assertEquals("TIMEOUT", RespMetrics.prefixOf(Resp.error("TIMEOUT")));
    assertEquals("other", RespMetrics.prefixOf(Resp.error("ERRORS are not ERR")));
    assertEquals("other", RespMetrics.prefixOf(Resp.error("MYCODE from a script")));
    assertEquals("other", RespMetrics.prefixOf(ByteString.fromString("-\r\n")));
  }

  /** INFO raftstats, as name to value. */
  private static Map<String, String> raftstats(RawClient c) throws IOException {
    c.send("INFO raftstats\r\n");
    String header = c.line();
    int remaining = Integer.parseInt(header.substring(1));
    Map<String, String> m = new HashMap<>();
    while (remaining > 0) {
      String line = c.line();
      remaining -= line.length() + 2;
      int colon = line.indexOf(':');
      if (colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return m;
  }

  /** {@code a=1,b=2} of a labeled counter. */
  private static TreeMap<String, Long> counts(String value) {
    TreeMap<String, Long> m = new TreeMap<>();
    for (String part : value.split(",")) {
      int eq = part.lastIndexOf('=');
      m.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
    }
    return m;
  }
}
