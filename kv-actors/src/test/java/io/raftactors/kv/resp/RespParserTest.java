package io.raftactors.kv.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static List<String> texts(List<byte[]> command) {
    return command.stream().map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
  }

  static RespParser parser() {
    return new RespParser(1024 * 1024, 1024 * 1024);
  }

  @Test
  void parsesMultibulkAndInlineCommands() throws Exception {
    List<List<byte[]>> cmds = parser().feed(b("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nSET a \"b c\" 'd\\'e'\r\n*0\r\n\r\n"));
    assertEquals(3, cmds.size());
    assertEquals(List.of("GET", "k"), texts(cmds.get(0)));
    assertEquals(List.of("PING"), texts(cmds.get(1)));
    assertEquals(List.of("SET", "a", "b c", "d'e"), texts(cmds.get(2)));
  }

  @Test
  void inlineQuotesFollowRedis() throws Exception {
    assertEquals(List.of("SET", "k", "a\nb\u0001"), texts(parser().feed(b("SET k \"a\\nb\\x01\"\n")).get(0)));
    assertEquals(List.of("ECHO", ""), texts(parser().feed(b("ECHO \"\"\r\n")).get(0)));
    RespProtocolException e = assertThrows(RespProtocolException.class, () -> parser().feed(b("SET k \"open\r\n")));
    assertEquals("Protocol error: unbalanced quotes in request", e.getMessage());
  }

  @Test
  void bulkStringsAreBinarySafe() throws Exception {
    byte[] value = new byte[256];
    for (int i = 0; i < 256; i++) value[i] = (byte) i;
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.writeBytes(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$256\r\n"));
    req.writeBytes(value);
    req.writeBytes(b("\r\n"));
    assertArrayEquals(value, parser().feed(req.toByteArray()).get(0).get(2));
  }

  /** Property: any split of a valid byte stream into chunks yields the same commands. */
  @Test
  void randomSplitsOfValidFramesGiveTheSameCommands() throws Exception {
    Random random = new Random(11);
    for (int trial = 0; trial < 500; trial++) {
      List<List<byte[]>> expected = new ArrayList<>();
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int n = 1 + random.nextInt(20);
      for (int c = 0; c < n; c++) {
        int args = 1 + random.nextInt(5);
        List<byte[]> cmd = new ArrayList<>();
        stream.writeBytes(b("*" + args + "\r\n"));
        for (int a = 0; a < args; a++) {
          byte[] arg = new byte[random.nextInt(a == 0 ? 8 : 300)];
          random.nextBytes(arg);
          if (a == 0) Arrays.fill(arg, (byte) 'X');
          if (a == 0 && arg.length == 0) arg = b("X");
          stream.writeBytes(b("$" + arg.length + "\r\n"));
          stream.writeBytes(arg);
          stream.writeBytes(b("\r\n"));
          cmd.add(arg);
        }
        expected.add(cmd);
      }
      byte[] all = stream.toByteArray();
      RespParser parser = parser();
      List<List<byte[]>> got = new ArrayList<>();
      int at = 0;
      while (at < all.length) {
        int len = Math.min(all.length - at, 1 + random.nextInt(64));
        got.addAll(parser.feed(Arrays.copyOfRange(all, at, at + len)));
        at += len;
      }
      assertEquals(expected.size(), got.size(), "trial " + trial);
      for (int i = 0; i < expected.size(); i++) {
        for (int a = 0; a < expected.get(i).size(); a++) {
          assertArrayEquals(expected.get(i).get(a), got.get(i).get(a), "trial " + trial + " cmd " + i + " arg " + a);
        }
      }
      assertEquals(0, parser.buffered());
    }
  }

  @Test
  void brokenFramesGiveRedisErrors() {
    assertEquals("Protocol error: invalid multibulk length",
        assertThrows(RespProtocolException.class, () -> parser().feed(b("*abc\r\n"))).getMessage());
    assertEquals("Protocol error: expected '$', got 'x'",
        assertThrows(RespProtocolException.class, () -> parser().feed(b("*1\r\nxyz\r\n"))).getMessage());
    assertEquals("Protocol error: invalid bulk length",
        assertThrows(RespProtocolException.class, () -> parser().feed(b("*1\r\n$-5\r\n"))).getMessage());
    RespParser small = new RespParser(10, 4);
    assertThrows(RespProtocolException.class, () -> small.feed(b("*1\r\n$11\r\n")), "bulk over the maximum");
    assertThrows(RespProtocolException.class, () -> small.feed(b("*5\r\n")), "more arguments than allowed");
    byte[] endless = new byte[RespParser.MAX_LINE + 10];
    Arrays.fill(endless, (byte) 'a');
    assertEquals("Protocol error: too big inline request",
        assertThrows(RespProtocolException.class, () -> parser().feed(endless)).getMessage());
  }

  @Test
  void randomGarbageNeverThrowsAnythingButProtocolErrors() {
    Random random = new Random(3);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] junk = new byte[random.nextInt(200)];
      random.nextBytes(junk);
      if (random.nextBoolean() && junk.length > 0) junk[0] = (byte) (random.nextBoolean() ? '*' : '$');
      try {
        RespParser p = new RespParser(1000, 100);
        p.feed(junk);
        assertTrue(p.buffered() <= junk.length);
      } catch (RespProtocolException expected) {
        // the connection would be answered and closed
      }
    }
  }
}
