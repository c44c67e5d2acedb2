package io.raftactors.bench.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespCodecTest {
  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodesAMultibulkCommand() {
    assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n",
        new String(RespCodec.encode("SET".getBytes(), "k".getBytes(), new byte[0]), StandardCharsets.UTF_8));
  }

  @Test
  void parsesEveryReplyTypeInSequence() {
    ByteBuffer b = buf("+OK\r\n:42\r\n$5\r\nhello\r\n$-1\r\n-ERR boom\r\n*2\r\n$1\r\na\r\n$-1\r\n");
    assertEquals("OK", RespCodec.parse(b));
    assertEquals(42L, RespCodec.parse(b));
    assertArrayEquals("hello".getBytes(), (byte[]) RespCodec.parse(b));
    assertSame(RespCodec.NULL, RespCodec.parse(b));
    assertEquals("ERR boom", assertInstanceOf(RespCodec.RespError.class, RespCodec.parse(b)).getMessage());
    Object[] array = (Object[]) RespCodec.parse(b);
    assertArrayEquals("a".getBytes(), (byte[]) array[0]);
    assertEquals(null, array[1]);
    assertEquals(0, b.remaining());
  }

  @Test
  void aReplySplitAcrossReadsIsIncompleteUntilAllArrived() {
    String whole = "$10\r\n0123456789\r\n";
    for (int cut = 0; cut < whole.length(); cut++) {
      assertSame(RespCodec.INCOMPLETE, RespCodec.parse(buf(whole.substring(0, cut))), "cut at " + cut);
    }
    assertSame(RespCodec.INCOMPLETE, RespCodec.parse(buf("*2\r\n+a\r\n")));
    assertArrayEquals("0123456789".getBytes(), (byte[]) RespCodec.parse(buf(whole)));
  }

  @Test
  void aBulkStringIsBinarySafe() {
    assertArrayEquals("a\r\nb".getBytes(), (byte[]) RespCodec.parse(buf("$4\r\na\r\nb\r\n")));
  }

  @Test
  void anUnknownReplyTypeIsAProtocolError() {
    assertThrows(IllegalStateException.class, () -> RespCodec.parse(buf("?what\r\n")));
  }
}
