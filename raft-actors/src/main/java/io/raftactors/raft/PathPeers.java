package io.raftactors.raft;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link Peers} from actor paths: member id to the path of that member's RaftNode, e.g. {@code
 * akka://raft@10.0.0.2:2552/user/kv/raft} for a remote member or {@code
 * akka://raft/user/kv-n2/raft} in this JVM. Resolved at every use (Akka caches remote
 * resolutions), so a member that restarts, or starts after this one, is found: until it exists,
 * messages to it are lost, as they would be on a network. Members added at run time are found by
 * the address their configuration entry carries ({@link Membership#addresses()}).
 */
public final class PathPeers implements Peers {
  private final ActorRefResolver resolver;
  private final Map<String, String> paths;
  private final Function<String, String> pathOfAddress;

  /** Fixed members only: a member added at run time is reached only if it is among {@code paths}. */
  public PathPeers(ActorSystem<?> system, Map<String, String> paths) {
    this(system, paths, null);
  }

  /**
   * @param pathOfAddress the path of the RaftNode of a member at an address (e.g. {@code host:port}
   *     to {@code akka://raft-kv@host:port/user/kv/raft}), for members added at run time
   */
  public PathPeers(ActorSystem<?> system, Map<String, String> paths, Function<String, String> pathOfAddress) {
    this.resolver = ActorRefResolver.get(system);
    this.paths = new ConcurrentHashMap<>(paths);
    this.pathOfAddress = pathOfAddress;
  }

  @Override
  public ActorRef<RaftNode.Command> ref(String nodeId) {
    String path = paths.get(nodeId);
    if (path == null) {
      throw new IllegalArgumentException("no path for member '" + nodeId
          + "' (a member added at run time needs an address: RAFT.ADDLEARNER id host:port)");
    }
    return resolver.resolveActorRef(path);
  }

  @Override
  public void membershipChanged(Membership membership) {
    if (pathOfAddress == null) return;
    membership.addresses().forEach((id, address) -> paths.put(id, pathOfAddress.apply(address)));
  }
}
