package io.raftactors.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers that another process will bind a few seconds later (a node JVM, etcd,
 * Redis). The usual trick, binding port 0 and closing it, hands out a port from the kernel's
 * ephemeral range, which any outgoing connection made in the meantime may take as its local port;
 * the server then fails to bind. These ports are drawn below that range, where the kernel never
 * picks local ports on its own, are free when handed out, and are never handed out twice by this
 * JVM.
 */
public final class LoopbackPorts {
  private static final int LOWEST = 15_000;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /** A port free on 127.0.0.1 now, outside the ephemeral range, not handed out before. */
  public static int free() throws IOException {
    int below = ephemeralLow();
    if (below - LOWEST < 1_000) return ephemeral(); // an unusual range: nothing to keep clear of
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 10_000; attempt++) {
      int port = LOWEST + random.nextInt(below - LOWEST);
      if (GIVEN.add(port) && bindable(port)) return port;
    }
    throw new IOException("no free loopback port in [" + LOWEST + ", " + below + ")");
  }

  /** The first port of the kernel's ephemeral range (Linux's ip_local_port_range; else IANA's 49152). */
  static int ephemeralLow() {
    try {
      // readAllLines, not readString: a procfs file reports size 0, and readString read "3" of it here
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }

  static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeral() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }
}
