package io.raftactors.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that another process will bind a few seconds later (a node JVM, etcd,
 * Redis). The usual trick, binding port 0 and closing it, hands out a port from the kernel's
 * ephemeral range, which any outgoing connection made in the meantime may take as its local port;
 * the server then fails to bind. These ports are drawn outside that range (below it, or above it
 * if too little is left below), where the kernel never picks local ports on its own, are free on
 * 127.0.0.1 when handed out, and are never handed out twice by this JVM.
 */
public final class LoopbackPorts {
  private static final int LOWEST = 15_000;
  private static final int ENOUGH = 1_000;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
  private static final InetAddress LOOPBACK = loopback();

  private LoopbackPorts() {}

  /** A port free on 127.0.0.1 now, outside the ephemeral range, not handed out before. */
  public static int free() throws IOException {
    int[] range = ephemeralRange();
    int from;
    int to; // exclusive
    if (range[0] - LOWEST >= ENOUGH) {
      from = LOWEST;
      to = range[0];
    } else if (65_535 - range[1] >= ENOUGH) {
      from = range[1] + 1;
      to = 65_536;
    } else {
      return ephemeral(); // a range that leaves nothing outside it worth the name
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 10_000; attempt++) {
      int port = from + random.nextInt(to - from);
      if (GIVEN.add(port) && bindable(port)) return port;
    }
    throw new IOException("no free loopback port in [" + from + ", " + to + ")");
  }

  /**
   * The kernel's ephemeral range, first and last port (Linux's ip_local_port_range; else IANA's
   * 49152-65535).
   */
  static int[] ephemeralRange() {
    try {
      // readAllLines, not readString: a procfs file reports size 0, and readString read "3" of it here
      List<String> lines = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      String[] bounds = lines.get(0).trim().split("\\s+");
      return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {49_152, 65_535};
    }
  }

  static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(LOOPBACK, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeral() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
        if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }

  /** 127.0.0.1, where the servers bind (getLoopbackAddress may be ::1). */
  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
