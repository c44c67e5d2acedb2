package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.SerializerWithStringManifest;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.KvResponse;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a node accepts from the network: Java serialization is off, and the Jackson serializer
 * builds only the project's own message classes (those marked RaftSerializable), never an
 * arbitrary class named in a manifest (the classic deserialization-gadget attack).
 */
class SerializationSecurityTest {
  static ActorSystem<Void> system;
  static Serialization serialization;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "serialization-test",
        ConfigFactory.parseString("akka.actor.provider = local\nakka.remote.artery.canonical.port = 0")
            .withFallback(NodeConfig.loadConfig()));
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void javaSerializationIsOff() {
    assertFalse(system.settings().config().getBoolean("akka.actor.allow-java-serialization"));
    HashMap<String, String> plain = new HashMap<>(); // java.io.Serializable, not one of ours
    assertThrows(Exception.class, () -> serialization.serialize(plain).get());
  }

  @Test
  void jacksonDeserializesOnlyOurMessageClasses() throws Exception {
    KvResponse.NotApplied ours = new KvResponse.NotApplied("NO_LEADER", "try again", "n2");
    Serializer serializer = serialization.findSerializerFor(ours);
    assertEquals("akka.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName());
    SerializerWithStringManifest jackson = (SerializerWithStringManifest) serializer;
    byte[] bytes = jackson.toBinary(ours);
    assertEquals(ours, jackson.fromBinary(bytes, jackson.manifest(ours)));
    for (String foreign : new String[] {"java.util.HashMap", "io.raftactors.kv.node.NodeConfig",
        "org.springframework.context.support.FileSystemXmlApplicationContext", "java.lang.ProcessBuilder"}) {
      assertThrows(Exception.class, () -> jackson.fromBinary(bytes, foreign), foreign + " was deserialized");
    }
  }
}
