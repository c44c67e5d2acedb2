package io.raftactors.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @Test
  void portsAreDistinctBindableAndBelowTheEphemeralRange() throws Exception {
    int ephemeralLow = LoopbackPorts.ephemeralLow();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = LoopbackPorts.free();
      assertTrue(port > 0 && port < ephemeralLow, port + " is in the ephemeral range from " + ephemeralLow);
      assertTrue(ports.add(port), port + " handed out twice");
    }
    assertEquals(200, ports.size());
    int port = LoopbackPorts.free();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }
  }

  @Test
  void aPortSomeoneListensOnIsNotBindable() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertFalse(LoopbackPorts.bindable(s.getLocalPort()));
    }
  }
}
