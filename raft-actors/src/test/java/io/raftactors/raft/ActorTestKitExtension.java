package io.raftactors.raft;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Akka {@link ActorTestKit} per test class, for JUnit 5 (Akka 2.8 ships a JUnit 4 rule only):
 * {@code @RegisterExtension static final ActorTestKitExtension kit = new ActorTestKitExtension();}
 */
public final class ActorTestKitExtension implements BeforeAllCallback, AfterAllCallback {
  private ActorTestKit testKit;

  public ActorTestKit testKit() {
    return testKit;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    testKit = ActorTestKit.create(context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    testKit.shutdownTestKit();
  }
}
