package io.raftactors.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Starts clusters for one test method; injected by {@link RaftClusterExtension}, which checks
 * their invariants and closes them after the test, and prints their seeds and traces when the
 * test fails.
 */
public final class TestClusters {
  private final List<RaftTestCluster> started = new ArrayList<>();
  private final String testName;

  TestClusters(String testName) {
    this.testName = testName;
  }

  /** A cluster of {@code nodes} nodes with default settings. */
  public RaftTestCluster start(int nodes) {
    return start(b -> b.nodes(nodes));
  }

  /** A cluster configured by {@code configure} (applied to a fresh builder). */
  public RaftTestCluster start(UnaryOperator<RaftTestCluster.Builder> configure) {
    RaftTestCluster.Builder builder =
        RaftTestCluster.builder().name(testName);
    RaftTestCluster cluster = configure.apply(builder).build();
    started.add(cluster);
    return cluster;
  }

  List<RaftTestCluster> started() {
    return started;
  }
}
