package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input and bad clients: each gets an error and/or a closed connection; the node serves others. */
class RespRobustnessTest {
  @RegisterExtension static final RespNodes NODES = new RespNodes(ConfigFactory.parseString("""
      kv.resp.max-bulk-length = 64 KiB
      kv.resp.max-multibulk-length = 1000
      kv.resp.max-connections = 16
      kv.resp.idle-timeout = 3s
      """));

  private static int port() {
    return NODES.port("n1");
  }

  /** A well-behaved client still gets served. */
  private static void nodeStillServes() throws IOException {
    try (RawClient ok = new RawClient(port())) {
      ok.send("*3\r\n$3\r\nSET\r\n$5\r\nalive\r\n$3\r\nyes\r\n*2\r\n$3\r\nGET\r\n$5\r\nalive\r\n");
      assertEquals("+OK", ok.line());
      assertEquals("$3", ok.line());
      assertEquals("yes", ok.line());
    }
  }

  @Test
  void binaryGarbageGetsAProtocolErrorAndOnlyThatConnectionCloses() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 5; round++) {
      try (RawClient bad = new RawClient(port())) {
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);
        garbage[0] = '*'; // a multibulk header followed by noise
        garbage[1] = (byte) ('1' + round);
        garbage[2] = '\r';
        garbage[3] = '\n';
        garbage[4] = (byte) 0xff;
        bad.send(garbage);
        String reply = bad.line();
        assertTrue(reply.startsWith("-ERR Protocol error"), reply);
        assertTrue(bad.closedByServer());
      }
    }
    nodeStillServes();
  }

  @Test
  void oversizedBulkAndMultibulkAreRefusedBeforeTheyArrive() throws Exception {
    try (RawClient bulk = new RawClient(port())) {
      bulk.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000000\r\n"); // announces 2 GB, sends nothing
      assertEquals("-ERR Protocol error: invalid bulk length", bulk.line());
      assertTrue(bulk.closedByServer());
    }
    try (RawClient multi = new RawClient(port())) {
      multi.send("*100000000\r\n");
      assertEquals("-ERR Protocol error: invalid multibulk length", multi.line());
      assertTrue(multi.closedByServer());
    }
    try (RawClient inline = new RawClient(port())) {
      inline.send("SET \"unbalanced v\r\n");
      assertEquals("-ERR Protocol error: unbalanced quotes in request", inline.line());
      assertTrue(inline.closedByServer());
    }
    try (RawClient wrong = new RawClient(port())) {
      wrong.send("*1\r\n+PING\r\n");
      assertEquals("-ERR Protocol error: expected '$', got '+'", wrong.line());
    }
    nodeStillServes();
  }

  @Test
  void aLongPipelineOfInstantRepliesIsAnsweredInFull() throws Exception {
    int n = 20_000; // one read of these is thousands of commands answered without waiting
    try (RawClient c = new RawClient(port())) {
      Thread writer = new Thread(() -> {
        try {
          c.send("PING\r\n".repeat(n) + "ECHO last\r\n");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      for (int i = 0; i < n; i++) assertEquals("+PONG", c.line(), "reply " + i);
      assertEquals("$4", c.line());
      assertEquals("last", c.line());
      writer.join();
    }
  }

  @Test
  void nothingAfterAProtocolErrorOrAQuitRuns() throws Exception {
    try (RawClient c = new RawClient(port())) {
      c.send("*100000000\r\n*3\r\n$3\r\nSET\r\n$10\r\nafterError\r\n$1\r\nx\r\n");
      assertEquals("-ERR Protocol error: invalid multibulk length", c.line());
      assertTrue(c.closedByServer());
    }
    try (RawClient c = new RawClient(port())) {
      c.send("PING\r\nQUIT\r\n*3\r\n$3\r\nSET\r\n$9\r\nafterQuit\r\n$1\r\nx\r\n");
      assertEquals("+PONG", c.line());
      assertEquals("+OK", c.line());
      assertTrue(c.closedByServer());
    }
    try (RawClient c = new RawClient(port())) {
      c.send("EXISTS afterError afterQuit\r\n");
      assertEquals(":0", c.line());
    }
  }

  @Test
  void commandErrorsKeepTheConnectionOpen() throws Exception {
    try (RawClient c = new RawClient(port())) {
      c.send("GET\r\nNOSUCH a b\r\nset k\r\nPING\r\n");
      assertEquals("-ERR wrong number of arguments for 'get' command", c.line());
      assertTrue(c.line().startsWith("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b'"));
      assertEquals("-ERR wrong number of arguments for 'set' command", c.line());
      assertEquals("+PONG", c.line());
    }
  }

  @Test
  void aSlowClientIsServedAndAnIdleOneIsClosed() throws Exception {
    try (RawClient slow = new RawClient(port())) {
      byte[] frame = "*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$5\r\nbytes\r\n".getBytes(StandardCharsets.US_ASCII);
      for (byte b : frame) {
        slow.send(new byte[] {b});
        Thread.sleep(20);
      }
      assertEquals("+OK", slow.line());
    }
    try (RawClient idle = new RawClient(port())) {
      idle.send("PING\r\n");
      assertEquals("+PONG", idle.line());
      long start = System.nanoTime();
      assertTrue(idle.closedByServer(), "closed after kv.resp.idle-timeout");
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waitedMs >= 2_000 && waitedMs < 9_000, "closed after " + waitedMs + " ms");
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedAndSlotsComeBack() throws Exception {
    List<RawClient> open = new ArrayList<>();
    try {
      String refused = null;
      for (int i = 0; i < 40 && refused == null; i++) {
        RawClient c = new RawClient(port());
        open.add(c);
        c.send("PING\r\n");
        String reply = c.line();
        if (!"+PONG".equals(reply)) refused = reply;
      }
      assertEquals("-ERR max number of clients reached", refused);
      assertTrue(open.size() <= 17, "refused at connection " + open.size());
    } finally {
      for (RawClient c : open) c.close();
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try {
        nodeStillServes();
        break;
      } catch (AssertionError | IOException e) {
        if (System.nanoTime() > deadline) throw e;
        Thread.sleep(100);
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsBackPressuredAndOthersAreServed() throws Exception {
    try (Socket hog = new Socket("127.0.0.1", port())) {
      hog.setSoTimeout(1000);
      Thread writer = new Thread(() -> {
        byte[] gets = "GET alive\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        try {
          OutputStream out = hog.getOutputStream();
          for (int i = 0; i < 1000; i++) out.write(gets); // blocks once both socket buffers are full
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      writer.setDaemon(true);
      writer.start();
      Thread.sleep(1500);
      assertTrue(writer.isAlive(), "the server stopped reading from a client that does not read its replies");
      nodeStillServes();
    }
  }

  @Test
  void valueAtTheBulkLimitIsStoredAndOneByteMoreIsRefused() throws Exception {
    int limit = 64 * 1024;
    try (RawClient c = new RawClient(port())) {
      c.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + limit + "\r\n" + "x".repeat(limit) + "\r\nSTRLEN big\r\n");
      assertEquals("+OK", c.line());
      assertEquals(":" + limit, c.line());
      c.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + (limit + 1) + "\r\n");
      assertEquals("-ERR Protocol error: invalid bulk length", c.line());
      assertNull(c.line());
    }
    try (RawClient c = new RawClient(port())) {
      c.send("STRLEN big\r\n");
      assertEquals(":" + limit, c.line(), "the refused request changed nothing");
    }
  }
}
