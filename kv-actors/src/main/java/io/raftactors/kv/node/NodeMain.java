package io.raftactors.kv.node;

import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import io.raftactors.kv.http.HttpConsole;
import io.raftactors.kv.http.HttpSettings;
import akka.actor.typed.SpawnProtocol;
import com.typesafe.config.Config;
import io.raftactors.raft.PathPeers;
import java.net.InetAddress;
import java.time.Duration;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one node from its configuration ({@code java -Dconfig.file=conf/node1.conf -jar
 * raft-kv.jar}): checks the configuration, starts the replica and its RESP listener, and exits
 * when the replica stops (exit code 1: it failed; see the log) or on SIGTERM (a clean shutdown
 * through Akka's CoordinatedShutdown; the journal is closed, the node restarts from it).
 */
public final class NodeMain {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMain.class);

  private NodeMain() {}

  /** Returns the process exit code. */
  public static int run() {
    NodeConfig node;
    try {
      Config config = NodeConfig.loadConfig();
      node = NodeConfig.from(config);
      for (String address : node.members().values()) resolvable(address);
      ListenPorts.check(node);
    } catch (IllegalArgumentException e) {
      System.err.println("raft-kv: " + e.getMessage());
      return 2;
    } catch (com.typesafe.config.ConfigException e) {
      System.err.println("raft-kv: cannot read the configuration: " + e.getMessage());
      return 2;
    } catch (ListenPorts.InUse e) {
      System.err.println("raft-kv: cannot start: " + e.getMessage());
      return 1;
    }
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(SpawnProtocol.create(), NodeConfig.SYSTEM, node.config());
    shutDownOnSigterm(system, node.nodeId());
    try {
      PathPeers peers = new PathPeers(system, node.raftPaths(), NodeConfig::raftPath);
      RunningNode running = RunningNode.start(system, system, "kv", node.nodeId(), node.memberIds(), node.members(),
          peers, node.dataDir(), node.resp());
      RunningNode.spawn(system, system, MemberWatch.create(node.nodeId(), node.members(), peers, Duration.ofSeconds(5),
          Duration.ofSeconds(2)), "member-watch");
      // Said as soon as RESP answers (RAFT.* works from then on), before the console starts.
      if (node.joining()) {
        String hint = "node " + node.nodeId() + " is not in raft.members " + node.members().keySet()
            + ": unless its data directory says otherwise, it waits to be added; on any member run"
            + " RAFT.ADDLEARNER " + node.nodeId() + " " + node.selfAddress() + ", then RAFT.PROMOTE "
            + node.nodeId() + " once it has caught up";
        LOG.info(hint);
        System.out.println("raft-kv: " + hint);
      }
      HttpSettings http = HttpSettings.fromRoot(node.config());
      String console = "off";
      if (http.enabled()) {
        ActorRefResolver resolver = ActorRefResolver.get(system);
        HttpConsole started = HttpConsole.start(system, node.nodeId(), id -> {
          if (id.equals(node.nodeId())) return running.replica();
          try {
            return resolver.resolveActorRef(peers.ref(id).path().parent().toString());
          } catch (IllegalArgumentException e) {
            return null; // a member this node has no address for
          }
        }, node.memberIds(), http, null);
        console = started.url();
      }
      String artery = node.selfAddress() + " ("
          + node.config().getString("akka.remote.artery.transport") + ")";
      LOG.info("node {} up: raft at {}, RESP at {}, console {}, data in {}, members {}", node.nodeId(), artery,
          running.respAddress(), console, node.dataDir().toAbsolutePath(), node.members());
      System.out.println("raft-kv node " + node.nodeId() + ": raft " + artery + ", RESP "
          + running.respAddress().getHostString() + ":" + running.respAddress().getPort()
          + ", console " + console + ", data " + node.dataDir());
      running.stopped().toCompletableFuture().join();
    } catch (Exception e) {
      LOG.error("node {} failed to start", node.nodeId(), e);
      System.err.println("raft-kv: node " + node.nodeId() + " failed to start: " + e.getMessage());
      system.terminate();
      return 1;
    }
    boolean shuttingDown = system.whenTerminated().isCompleted()
        || akka.actor.CoordinatedShutdown.get(system).getShutdownReason().isPresent();
    if (!shuttingDown) {
      System.err.println("raft-kv: node " + node.nodeId() + " stopped (see the log above); exiting");
      system.terminate();
      return 1;
    }
    system.getWhenTerminated().toCompletableFuture().join();
    LOG.info("node {} stopped cleanly", node.nodeId());
    return 0;
  }

  /**
   * SIGTERM runs CoordinatedShutdown (RESP listener unbound, replica and journal stopped) and the
   * process then exits with 0, rather than the JVM's 143 for a signal-terminated process.
   */
  @SuppressWarnings("sunapi")
  private static void shutDownOnSigterm(ActorSystem<?> system, String nodeId) {
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
      LOG.info("node {}: SIGTERM, shutting down", nodeId);
      akka.actor.CoordinatedShutdown.get(system).run(akka.actor.CoordinatedShutdown.jvmExitReason());
    });
  }

  private static void resolvable(String address) {
    String host = address.substring(0, address.lastIndexOf(':'));
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid configuration: raft.members: host '" + host
          + "' cannot be resolved");
    }
  }
}
