package io.raftactors.kv.node;

import akka.actor.typed.ActorRef;
import io.raftactors.raft.Peers;
import io.raftactors.raft.RaftNode;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the members of a {@link LocalCluster} reach each other: by the ref of each member's current
 * incarnation (a restarted member has a new one), through a network that the demo can cut. An
 * isolated member neither sends to nor hears from any other; its messages are lost, as on a
 * partitioned network. Lookups ({@link #ref}) are not cut: the console still sees every member.
 */
final class LocalPeers {
  private final Map<String, ActorRef<RaftNode.Command>> refs = new ConcurrentHashMap<>();
  private final Set<String> isolated = ConcurrentHashMap.newKeySet();

  void register(String nodeId, ActorRef<RaftNode.Command> ref) {
    refs.put(nodeId, ref);
  }

  void isolate(String nodeId) {
    isolated.add(nodeId);
  }

  void heal() {
    isolated.clear();
  }

  Set<String> isolated() {
    return Set.copyOf(isolated);
  }

  /** The peers of member {@code self}: its sends cross the (cuttable) network. */
  Peers of(String self) {
    return new Peers() {
      @Override
      public ActorRef<RaftNode.Command> ref(String nodeId) {
        ActorRef<RaftNode.Command> ref = refs.get(nodeId);
        if (ref == null) throw new IllegalArgumentException("no member '" + nodeId + "' in this local cluster");
        return ref;
      }

      @Override
      public boolean trySend(String nodeId, RaftNode.Command message) {
        if (isolated.contains(self) || isolated.contains(nodeId)) return true; // sent, and lost on the way
        return Peers.super.trySend(nodeId, message);
      }
    };
  }
}
