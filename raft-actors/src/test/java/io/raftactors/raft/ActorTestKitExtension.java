package io.raftactors.raft;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
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
    // Waits end as soon as the message arrives; 10 s (not Akka's 3 s) leaves room for a slow
    // CI disk's first fsyncs without making passing tests slower.
    testKit = ActorTestKit.create(context.getRequiredTestClass().getSimpleName(),
        ConfigFactory.parseString("akka.actor.testkit.typed.single-expect-default = 10s")
            .withFallback(ConfigFactory.load()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    testKit.shutdownTestKit();
  }
}
