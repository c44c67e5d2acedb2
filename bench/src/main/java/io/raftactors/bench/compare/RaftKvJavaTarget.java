package io.raftactors.bench.compare;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.KvCommand;
import io.raftactors.kv.KvWrite;
import io.raftactors.raft.ReadConsistency;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * raft-kv through the Java client: this JVM runs an Akka actor system with remoting (Artery TCP
 * on a free loopback port) and one {@link KvClient} per node, resolved from the node's
 * {@code akka://raft-kv@host:port/user/kv} path; virtual client i uses node i % 3 (the leader
 * first). Reads at {@link ReadConsistency#LINEARIZABLE} or {@link ReadConsistency#STALE}.
 */
final class RaftKvJavaTarget implements Target {
  private final RaftKvCluster cluster;
  private final Workload w;
  private final Bytes[] keys;
  private final Bytes value;
  private ActorSystem<Void> system;
  private final List<KvClient> clients = new ArrayList<>();

  RaftKvJavaTarget(RaftKvCluster cluster, Workload w) {
    this.cluster = cluster;
    this.w = w;
    this.keys = new Bytes[w.keys().length];
    for (int i = 0; i < keys.length; i++) keys[i] = Bytes.wrap(w.keys()[i]);
    this.value = Bytes.wrap(w.value());
  }

  @Override
  public void start() throws Exception {
    cluster.start();
    system = ActorSystem.create(Behaviors.empty(), "raft-bench", ConfigFactory.parseString("""
        # ERROR: the nodes stopping after the run makes Artery warn about aborted connections
        akka.loglevel = ERROR
        akka.actor.provider = remote
        akka.remote.artery.transport = tcp
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        akka.remote.warn-about-direct-use = off
        """).withFallback(ConfigFactory.load()));
    ActorRefResolver resolver = ActorRefResolver.get(system);
    for (String path : cluster.replicaPathsLeaderFirst()) {
      ActorRef<KvCommand> replica = resolver.resolveActorRef(path);
      clients.add(KvClient.create(system, List.of(replica)));
    }
    clients.get(0).put("compare-java-ready", "1").toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Override
  public Map<String, Long> serverPids() {
    return cluster.pids();
  }

  @Override
  public Map<String, BatchStats> batchStats() {
    return cluster.batchStats();
  }

  @Override
  public String describe() {
    return "3 node JVMs (file journal, fsync on), leader " + cluster.leaderId()
        + "; io.raftactors.kv.KvClient over Akka Artery TCP from this JVM, one KvClient per node, client i on node i mod 3 (leader first)";
  }

  @Override
  public CompletableFuture<?> put(int client, int key) {
    return clients.get(client % clients.size()).put(KvWrite.Put.of(keys[key], value)).toCompletableFuture();
  }

  @Override
  public CompletableFuture<?> get(int client, int key, boolean stale) {
    return clients.get(client % clients.size())
        .get(keys[key], stale ? ReadConsistency.STALE : ReadConsistency.LINEARIZABLE).toCompletableFuture();
  }

  @Override
  public void close() throws Exception {
    clients.forEach(KvClient::close);
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    cluster.close();
  }

  static RaftKvJavaTarget create(Path work, Path jar, Path conf, List<String> jvm, Workload w) throws Exception {
    return new RaftKvJavaTarget(new RaftKvCluster(work, "raft-kv-java", jar, conf, jvm), w);
  }
}
