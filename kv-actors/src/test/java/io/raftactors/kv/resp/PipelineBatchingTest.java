package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Writes pipelined on one connection go out as one batch: few log entries, one reply each, in order. */
class PipelineBatchingTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes();

  private static long lastLogIndex(int port) throws Exception {
    try (RawClient c = new RawClient(port)) {
      c.send("INFO raft\r\n");
      String header = c.line();
      StringBuilder body = new StringBuilder();
      int length = Integer.parseInt(header.substring(1));
      while (body.length() < length) body.append(c.line()).append("\r\n");
      for (String line : body.toString().split("\r\n")) {
        if (line.startsWith("last_log_index:")) return Long.parseLong(line.substring("last_log_index:".length()));
      }
      throw new AssertionError(body);
    }
  }

  @Test
  void sixtyFourPipelinedWritesTakeAFewLogEntriesAndAnswerOneByOne() throws Exception {
    String leader = NODES.cluster().awaitLeader(java.time.Duration.ofSeconds(10)).orElseThrow().nodeId();
    int port = NODES.port(leader);
    try (RawClient c = new RawClient(port)) {
      c.send("SET b:text abc\r\n");
      assertEquals("+OK", c.line());
      long before = lastLogIndex(port);
      StringBuilder pipeline = new StringBuilder();
      for (int i = 0; i < 60; i++) pipeline.append("SET b:").append(i).append(' ').append(i).append("\r\n");
      pipeline.append("INCR b:text\r\nINCR b:counter\r\nMSET b:m1 1 b:m2 2\r\nDEL b:0 b:1\r\n");
      c.send(pipeline.toString()); // one TCP write: 64 writes
      for (int i = 0; i < 60; i++) assertEquals("+OK", c.line(), "reply " + i);
      assertEquals("-ERR value is not an integer or out of range", c.line(), "a failure of its own");
      assertEquals(":1", c.line());
      assertEquals("+OK", c.line());
      assertEquals(":2", c.line());
      long entries = lastLogIndex(port) - before;
      assertTrue(entries >= 1 && entries <= 8, "64 pipelined writes took " + entries + " log entries");
      c.send("MGET b:0 b:1 b:2 b:59 b:m2\r\n");
      assertEquals("*5", c.line());
      for (String expected : new String[] {"$-1", "$-1", "$1", "2", "$2", "59", "$1", "2"}) {
        assertEquals(expected, c.line());
      }
    }
  }

  @Test
  void aReadBetweenWritesSeesTheWritesBeforeIt() throws Exception {
    try (RawClient c = new RawClient(NODES.followerPort())) {
      c.send("SET r:k 1\r\nINCR r:k\r\nGET r:k\r\nINCR r:k\r\nSET r:k 10\r\nGET r:k\r\n");
      for (String expected : new String[] {"+OK", ":2", "$1", "2", ":3", "+OK", "$2", "10"}) {
        assertEquals(expected, c.line());
      }
    }
  }
}
