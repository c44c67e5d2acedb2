package io.raftactors.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @Test
  void portsAreDistinctBindableAndOutsideTheEphemeralRange() throws Exception {
    int[] ephemeral = LoopbackPorts.ephemeralRange();
    assumeTrue(ephemeral[0] - 15_000 >= 1_000 || 65_535 - ephemeral[1] >= 1_000,
        "this host's ephemeral range leaves no room outside it");
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = LoopbackPorts.free();
      assertTrue(port > 0 && (port < ephemeral[0] || port > ephemeral[1]),
          port + " is in the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]);
      assertTrue(ports.add(port), port + " handed out twice");
    }
    assertEquals(200, ports.size());
    int port = LoopbackPorts.free();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
    }
  }

  @Test
  void aPortSomeoneListensOnIsNotBindable() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertFalse(LoopbackPorts.bindable(s.getLocalPort()));
    }
  }
}
