package io.raftactors.kv.example;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.SpawnProtocol;
import akka.actor.typed.javadsl.AskPattern;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvNode;
import io.raftactors.raft.PathPeers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The README's example: three KV replicas embedded in one ActorSystem, and a client. */
public final class EmbeddedKvExample {
  public static void main(String[] args) throws Exception {
    System.out.println(run(Path.of("data")));
  }

  public static String run(Path dataDir) throws Exception {
    ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "app");
    try {
      List<String> members = List.of("n1", "n2", "n3");
      // Each member's Raft node is the child "raft" of its KvNode; here all live in this JVM.
      PathPeers peers = new PathPeers(system, Map.of(
          "n1", "akka://app/user/kv-n1/raft",
          "n2", "akka://app/user/kv-n2/raft",
          "n3", "akka://app/user/kv-n3/raft"));
      List<ActorRef<KvCommand>> replicas = new ArrayList<>();
      for (String id : members) {
        var replica = KvNode.builder(id).members(members).peers(peers).dataDir(dataDir.resolve(id)).build();
        replicas.add(AskPattern.<SpawnProtocol.Command, ActorRef<KvCommand>>ask(system,
            reply -> new SpawnProtocol.Spawn<>(replica, "kv-" + id, Props.empty(), reply),
            Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get());
      }
      try (KvClient kv = KvClient.create(system, replicas)) {
        kv.put("greeting", "hello").toCompletableFuture().get();
        long visits = kv.increment("visits", 1).toCompletableFuture().get();
        String greeting = kv.get("greeting").toCompletableFuture().get().orElseThrow().value().utf8();
        return greeting + " #" + visits;
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get();
    }
  }
}
