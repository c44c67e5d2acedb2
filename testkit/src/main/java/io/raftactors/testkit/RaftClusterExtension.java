package io.raftactors.testkit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * JUnit 5 extension for Raft scenario tests: injects a {@link TestClusters}; after each test,
 * checks every invariant of each cluster it started (a test that passed its own assertions still
 * fails on a safety violation) and closes them; when a test fails, prints each cluster's seed
 * (re-run with {@code -Draft.test.seed=...}), node statuses and recent message trace.
 *
 * <pre>{@code
 * @ExtendWith(RaftClusterExtension.class)
 * class ElectionTest {
 *   @Test void electsOneLeader(TestClusters clusters) {
 *     RaftTestCluster c = clusters.start(3);
 *     c.awaitLeader(Duration.ofSeconds(5));
 *   }
 * }
 * }</pre>
 */
public final class RaftClusterExtension
    implements ParameterResolver, AfterEachCallback, TestExecutionExceptionHandler {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(RaftClusterExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestClusters.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return clusters(context);
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    for (RaftTestCluster c : clusters(context).started()) {
      System.err.println("=== " + context.getDisplayName() + " failed; " + c.describe());
    }
    throw failure;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestClusters clusters = clusters(context);
    try {
      if (context.getExecutionException().isEmpty()) {
        for (RaftTestCluster c : clusters.started()) c.checkInvariants();
      }
    } finally {
      for (RaftTestCluster c : clusters.started()) c.close();
    }
  }

  private static TestClusters clusters(ExtensionContext context) {
    return context
        .getStore(NS)
        .getOrComputeIfAbsent(
            "clusters",
            k -> new TestClusters(context.getRequiredTestMethod().getName()),
            TestClusters.class);
  }
}
