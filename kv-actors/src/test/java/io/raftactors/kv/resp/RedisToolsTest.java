package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code redis-cli} and {@code redis-benchmark} against a node. {@code .ci/run} installs
 * redis-tools and sets {@code RAFT_REQUIRE_REDIS_TOOLS=1}, so there a missing tool fails the test;
 * elsewhere it is skipped.
 */
class RedisToolsTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();
  @TempDir Path dir;

  record Result(int exit, String out) {}

  @BeforeAll
  static void toolsPresent() {
    boolean present = onPath("redis-cli") && onPath("redis-benchmark");
    if ("1".equals(System.getenv("RAFT_REQUIRE_REDIS_TOOLS"))) {
      assertTrue(present, "redis-cli and redis-benchmark must be installed (apt-get install -y redis-tools)");
    }
    Assumptions.assumeTrue(present, "redis-tools not installed");
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) return true;
    }
    return false;
  }

  private Result run(String stdin, String... command) throws IOException, InterruptedException {
    Path in = dir.resolve("stdin-" + System.nanoTime());
    Path out = dir.resolve("out-" + System.nanoTime());
    Files.writeString(in, stdin == null ? "" : stdin);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(in.toFile()).redirectOutput(out.toFile());
    builder.environment().put("TERM", "dumb"); // line-based prompt; no terminal queries
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 120 s: " + Files.readString(out));
    }
    return new Result(p.exitValue(), Files.readString(out));
  }

  private static String port(String id) {
    return Integer.toString(NODES.port(id));
  }

  @Test
  void oneShotCommands() throws Exception {
    assertEquals(new Result(0, "OK\n"), run(null, "redis-cli", "-p", port("n1"), "SET", "tool:k", "hello"));
    assertEquals(new Result(0, "hello\n"), run(null, "redis-cli", "-p", port("n2"), "GET", "tool:k"));
    assertEquals(new Result(0, "1\n"), run(null, "redis-cli", "-p", port("n3"), "INCR", "tool:n"));
    Result info = run(null, "redis-cli", "-p", port("n3"), "INFO", "raft");
    assertTrue(info.out().contains("node_id:n3") && info.out().contains("leader_id:n"), info.out());
    Result err = run(null, "redis-cli", "-p", port("n1"), "INCR", "tool:k");
    assertTrue(err.out().startsWith("ERR value is not an integer or out of range\n"), err.out());
  }

  @Test
  void interactiveSessionOnATerminal() throws Exception {
    // script(1) gives redis-cli a terminal, so it runs its interactive prompt (and asks COMMAND DOCS);
    // TERM=dumb keeps its line editor from querying the terminal.
    String session = "SET tool:i 41\nINCR tool:i\nGET tool:i\nPING\nquit\n";
    Result r = run(session, "script", "-qec", "redis-cli -p " + port("n2"), "/dev/null");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("127.0.0.1:" + port("n2") + ">"), "prompt missing: " + r.out());
    assertTrue(r.out().contains("(integer) 42"), r.out());
    assertTrue(r.out().contains("\"42\""), r.out());
    assertTrue(r.out().contains("PONG"), r.out());
  }

  @Test
  void commandsFromStdin() throws Exception {
    Result r = run("SET tool:s a\nAPPEND tool:s bc\nGET tool:s\n", "redis-cli", "-p", port("n1"));
    assertEquals(new Result(0, "OK\n3\nabc\n"), r);
  }

  @Test
  void massInsertionWithPipe() throws Exception {
    StringBuilder protocol = new StringBuilder();
    int n = 5000;
    for (int i = 0; i < n; i++) {
      String key = "mass:" + i;
      String value = "value-" + i;
      protocol.append("*3\r\n$3\r\nSET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n$")
          .append(value.length()).append("\r\n").append(value).append("\r\n");
    }
    Result r = run(protocol.toString(), "redis-cli", "-p", port("n3"), "--pipe");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("errors: 0, replies: " + n), r.out());
    assertEquals(new Result(0, "value-4999\n"), run(null, "redis-cli", "-p", port("n1"), "GET", "mass:4999"));
  }

  @Test
  void redisBenchmarkRunsToTheEnd() throws Exception {
    for (List<String> extra : List.of(List.<String>of(), List.of("-P", "16"))) {
      List<String> command = new ArrayList<>(List.of("redis-benchmark", "-p", port("n1"), "-t", "set,get,incr",
          "-n", "3000", "-c", "10", "-d", "100", "-q"));
      command.addAll(extra);
      Result r = run(null, command.toArray(String[]::new));
      assertEquals(0, r.exit(), r.out());
      for (String test : List.of("SET: ", "GET: ", "INCR: ")) {
        assertTrue(r.out().contains(test) && r.out().contains("requests per second"), r.out());
      }
      assertTrue(!r.out().contains("ERR") && !r.out().contains("error"), r.out());
    }
  }
}
