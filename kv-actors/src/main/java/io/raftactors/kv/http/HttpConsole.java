package io.raftactors.kv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import io.raftactors.kv.KvCommand;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP console on {@code kv.http.host:port}: the live dashboard at {@code /}, {@code
 * /metrics} (Prometheus text format), {@code /health}, and the demo's buttons when it runs in
 * {@code raft-kv local}. See {@link ConsoleRoutes} for the paths.
 */
public final class HttpConsole {
  private static final Logger LOG = LoggerFactory.getLogger(HttpConsole.class);

  private final String nodeId;
  private final ServerBinding binding;

  private HttpConsole(String nodeId, ServerBinding binding) {
    this.nodeId = nodeId;
    this.binding = binding;
  }

  /**
   * Starts the console of node {@code nodeId} and returns once it listens.
   *
   * @param replicas the replica of any member by id (this node's included), or null while it is
   *     down or unknown
   * @param members the members the cluster started with (the console learns later ones from them)
   * @param demo the demo's controls, or null outside {@code raft-kv local}
   */
  public static HttpConsole start(ActorSystem<?> system, String nodeId,
      Function<String, ActorRef<KvCommand>> replicas, List<String> members, HttpSettings settings,
      DemoControl demo) throws Exception {
    LeaderHistory history = LeaderHistory.start(system, nodeId, "console-history-" + nodeId);
    ClusterView view = new ClusterView();
    system.systemActorOf(view.behavior(nodeId, members, replicas, settings, history, demo),
        "console-view-" + nodeId, Props.empty());
    ConsoleRoutes routes = new ConsoleRoutes(system, nodeId, () -> replicas.apply(nodeId), view, settings, demo);
    ServerBinding binding;
    try {
      binding = Http.get(system).newServerAt(settings.host(), settings.port())
          .bind(routes.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the HTTP console cannot listen on " + settings.host() + ":" + settings.port()
          + " (kv.http.host / kv.http.port; kv.http.enabled = off turns it off): " + e.getCause().getMessage(), e);
    }
    binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
    LOG.info("node {}: HTTP console at http://{}:{}/", nodeId, binding.localAddress().getHostString(),
        binding.localAddress().getPort());
    return new HttpConsole(nodeId, binding);
  }

  public String nodeId() {
    return nodeId;
  }

  /** Where it listens (the port, if 0 was asked for). */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** {@code http://host:port/}. */
  public String url() {
    return "http://" + address().getHostString() + ":" + address().getPort() + "/";
  }
}
