package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.testkit.LoopbackPorts;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The jar as an operator meets it: its merged configuration, and its answers to mistakes. */
class NodeStartupIT {
  @TempDir Path dir;

  record Exit(int code, String output) {}

  private Exit runJar(Duration timeout, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(List.of(options));
    command.addAll(List.of("-jar", NodeProcess.jar().toString()));
    Path out = dir.resolve("out-" + System.nanoTime());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after " + timeout + ":\n" + Files.readString(out));
    }
    return new Exit(p.exitValue(), Files.readString(out));
  }

  @Test
  void remotingAndSerializationSettingsSurviveTheShading() throws Exception {
    try (URLClassLoader jar = new URLClassLoader(new URL[] {NodeProcess.jar().toUri().toURL()}, null)) {
      Config c = ConfigFactory.load(jar);
      assertEquals("akka.serialization.jackson.JacksonCborSerializer", c.getString("akka.actor.serializers.jackson-cbor"));
      assertEquals("io.raftactors.raft.protocol.RaftMessageSerializer", c.getString("akka.actor.serializers.raft-rpc"));
      assertEquals("jackson-cbor", c.getString("akka.actor.serialization-bindings.\"io.raftactors.raft.RaftSerializable\""));
      assertEquals("raft-rpc", c.getString("akka.actor.serialization-bindings.\"io.raftactors.raft.protocol.RaftMessage\""));
      assertTrue(c.hasPath("akka.serialization.jackson.jackson-cbor"), "akka-serialization-jackson's reference.conf");
      assertTrue(c.hasPath("akka.remote.artery.ssl.config-ssl-engine.key-store"), "akka-remote's reference.conf");
      assertTrue(c.hasPath("akka.stream.materializer"), "akka-stream's reference.conf");
      assertTrue(c.hasPath("raft.election-timeout-min") && c.hasPath("kv.resp.port"), "our reference.conf files");
      assertEquals(false, c.getBoolean("akka.actor.allow-java-serialization"));
    }
  }

  @Test
  void badConfigurationExitsWithCode2AndNamesTheKey() throws Exception {
    Exit noId = runJar(Duration.ofSeconds(60));
    assertEquals(2, noId.code(), noId.output());
    assertTrue(noId.output().contains("raft.node-id must be set"), noId.output());
    Exit badPort = runJar(Duration.ofSeconds(60), "-Dconfig.file=" + Path.of("..", "conf", "node1.conf").toAbsolutePath(),
        "-Dkv.resp.port=seven");
    assertEquals(2, badPort.code(), badPort.output());
    assertTrue(badPort.output().contains("kv.resp.port"), badPort.output());
    Exit badConsolePort = runJar(Duration.ofSeconds(60),
        "-Dconfig.file=" + Path.of("..", "conf", "node1.conf").toAbsolutePath(), "-Dkv.http.port=70000");
    assertEquals(2, badConsolePort.code(), badConsolePort.output());
    assertTrue(badConsolePort.output().contains("kv.http.port"), badConsolePort.output());
    assertFalse(badConsolePort.output().contains("Exception"), badConsolePort.output());
    Exit missingFile = runJar(Duration.ofSeconds(60), "-Dconfig.file=" + dir.resolve("nope.conf"));
    assertEquals(2, missingFile.code(), missingFile.output());
  }

  @Test
  void aDataDirectoryOfAnotherNodeIsRefused() throws Exception {
    int raft = LoopbackPorts.free();
    int resp = LoopbackPorts.free();
    Path data = dir.resolve("data");
    NodeProcess n1 = new NodeProcess("n1", Path.of("..", "conf", "node1.conf"), "n1@127.0.0.1:" + raft, raft, resp,
        data, Path.of("target", "it-logs", "startup"), List.of());
    n1.start();
    n1.awaitServing(Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String reply = null;
    while (!"OK".equals(reply) && System.nanoTime() < deadline) {
      try (Jedis j = n1.client()) {
        reply = j.set("k", "v"); // a single-member cluster elects itself
      } catch (Exception e) {
        Thread.sleep(100);
      }
    }
    assertEquals("OK", reply);
    assertEquals(0, n1.terminate(Duration.ofSeconds(30)));

    Exit wrong = runJar(Duration.ofSeconds(60), "-Dconfig.file=" + Path.of("..", "conf", "node2.conf").toAbsolutePath(),
        "-Draft.members=n2@127.0.0.1:" + raft, "-Dakka.remote.artery.canonical.port=" + raft,
        "-Dkv.resp.port=" + resp, "-Dkv.http.port=0", "-Draft.data-dir=" + data.toAbsolutePath());
    assertEquals(1, wrong.code(), wrong.output());
    assertTrue(wrong.output().contains("belongs to node 'n1'"), wrong.output());
  }

  @Test
  void aTakenPortStopsTheNodeBeforeItStartsAndNamesTheSetting() throws Exception {
    String[] keys = {"akka.remote.artery.canonical.port", "kv.resp.port", "kv.http.port"};
    for (int taken = 0; taken < keys.length; taken++) {
      int[] ports = {LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free()};
      Path data = dir.resolve("taken-" + taken);
      try (ServerSocket holder = new ServerSocket()) {
        holder.bind(new InetSocketAddress("127.0.0.1", ports[taken]));
        Exit exit = runJar(Duration.ofSeconds(60), "-Dconfig.file=" + Path.of("..", "conf", "node1.conf").toAbsolutePath(),
            "-Draft.members=n1@127.0.0.1:" + ports[0], "-Dakka.remote.artery.canonical.port=" + ports[0],
            "-Dkv.resp.port=" + ports[1], "-Dkv.http.port=" + ports[2], "-Draft.data-dir=" + data.toAbsolutePath());
        assertEquals(1, exit.code(), exit.output());
        assertTrue(exit.output().contains("raft-kv: cannot start: cannot listen on 127.0.0.1:" + ports[taken]
            + " (" + keys[taken] + ")"), exit.output());
        assertFalse(exit.output().contains("Exception"), "a message, not a stack trace:\n" + exit.output());
        assertFalse(Files.exists(data), "nothing was started, nothing written");
      }
    }
  }
}
