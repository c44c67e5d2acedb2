package io.raftactors.kv.resp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.node.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A 3-node cluster in this JVM with file journals and RESP listeners on free ports, one per test
 * class: {@code @RegisterExtension static final RespNodes NODES = new RespNodes();}.
 */
final class RespNodes implements BeforeAllCallback, AfterAllCallback {
  private final Config overrides;
  private LocalCluster cluster;
  private Path dir;

  RespNodes() {
    this(ConfigFactory.empty());
  }

  RespNodes(Config overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("resp-nodes");
    cluster = LocalCluster.start(3, dir, 0, overrides);
    if (cluster.awaitLeader(Duration.ofSeconds(20)).isEmpty()) throw new AssertionError("no leader in 20 s");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) cluster.close();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
  static void awaitCondition(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
    }
  }

  LocalCluster cluster() {
    return cluster;
  }

  int port(String id) {
    return cluster.respPort(id);
  }

  /** The RESP port of a node that is not the leader. */
  int followerPort() throws InterruptedException {
    String leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow().nodeId();
    return port(leader.equals("n1") ? "n2" : "n1");
  }
}
