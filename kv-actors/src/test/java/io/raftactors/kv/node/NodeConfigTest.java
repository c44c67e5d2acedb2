package io.raftactors.kv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
  private static Config config(String text) {
    return ConfigFactory.parseString(text).withFallback(ConfigFactory.parseResources("raft-kv-node.conf"))
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> NodeConfig.from(config(text))).getMessage();
  }

  @Test
  void theConfFilesOfTheProjectDescribeOneCluster() {
    for (int i = 1; i <= 3; i++) {
      NodeConfig c = NodeConfig.from(ConfigFactory.parseFile(Path.of("..", "conf", "node" + i + ".conf").toFile())
          .withFallback(config("")));
      assertEquals("n" + i, c.nodeId());
      assertEquals(Map.of("n1", "127.0.0.1:2551", "n2", "127.0.0.1:2552", "n3", "127.0.0.1:2553"), c.members());
      assertEquals(7000 + i, c.resp().port());
      assertEquals(Path.of("data", "n" + i), c.dataDir());
      assertEquals("akka://raft-kv@127.0.0.1:2552/user/kv/raft", c.raftPaths().get("n2"));
    }
  }

  @Test
  void membersAsAListOrOneCommaSeparatedString() {
    String base = "raft.node-id = n2\nakka.remote.artery.canonical.port = 2552\n";
    NodeConfig list = NodeConfig.from(config(base
        + "raft.members = [\"n1@127.0.0.1:2551\", \"n2@127.0.0.1:2552\", \"n3@127.0.0.1:2553\"]"));
    NodeConfig string = NodeConfig.from(config(base
        + "raft.members = \"n1@127.0.0.1:2551, n2@127.0.0.1:2552,n3@127.0.0.1:2553\""));
    assertEquals(list.members(), string.members());
    assertEquals(List.of("n1", "n2", "n3"), string.memberIds());
  }

  @Test
  void aNodeOutsideRaftMembersJoinsARunningCluster() {
    NodeConfig joining = NodeConfig.from(config("raft.node-id = n4\n"
        + "raft.members = \"n1@127.0.0.1:2551,n2@127.0.0.1:2552\"\n"
        + "akka.remote.artery.canonical.port = 2554"));
    assertTrue(joining.joining());
    assertEquals("127.0.0.1:2554", joining.selfAddress());
    assertEquals(List.of("n1", "n2"), joining.memberIds());
  }

  @Test
  void badConfigurationNamesTheKey() {
    String members = "raft.members = \"n1@127.0.0.1:2551,n2@127.0.0.1:2552\"\n";
    assertTrue(error(members).contains("raft.node-id must be set"));
    assertTrue(error("raft.node-id = n1").contains("raft.members"));
    // A node outside raft.members joins a running cluster, but not at a member's address.
    assertTrue(error("raft.node-id = n9\n" + members).contains("lists n1 at 127.0.0.1:2551, this node's own address"));
    assertTrue(error("raft.node-id = n1\nraft.members = \"n1@127.0.0.1\"").contains("is not \"id@host:port\""));
    assertTrue(error("raft.node-id = n1\nraft.members = \"n1@127.0.0.1:2551,n1@127.0.0.1:2552\"")
        .contains("lists 'n1' twice"));
    assertTrue(error("raft.node-id = n2\n" + members).contains("akka.remote.artery.canonical is 127.0.0.1:2551"));
    assertTrue(error("raft.node-id = n1\n" + members + "kv.resp.port = lots").contains("kv.resp.port"));
    assertTrue(error("raft.node-id = n1\n" + members + "kv.resp.port = 70000").contains("kv.resp.port"));
  }
}
