package io.raftactors.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import java.util.Map;

/**
 * {@link Peers} from actor paths: member id to the path of that member's RaftNode, e.g. {@code
 * akka://raft@10.0.0.2:2552/user/kv/raft} for a remote member or {@code
 * akka://raft/user/kv-n2/raft} in this JVM. Resolved at every use (Akka caches remote
 * resolutions), so a member that restarts, or starts after this one, is found: until it exists,
 * messages to it are lost, as they would be on a network.
 */
public final class PathPeers implements Peers {
  private final ActorRefResolver resolver;
  private final Map<String, String> paths;

  public PathPeers(ActorSystem<?> system, Map<String, String> paths) {
    this.resolver = ActorRefResolver.get(system);
    this.paths = Map.copyOf(paths);
  }

  @Override
  public ActorRef<RaftNode.Command> ref(String nodeId) {
    String path = paths.get(nodeId);
    if (path == null) throw new IllegalArgumentException("no path for member '" + nodeId + "'");
    return resolver.resolveActorRef(path);
  }
}
