package io.raftactors.kv.http;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.server.directives.SecurityDirectives.ProvidedCredentials;
import akka.stream.javadsl.Source;
import io.raftactors.kv.KvCommand;
import io.raftactors.raft.Asks;
import io.raftactors.raft.GetStatus;
import io.raftactors.raft.NodeStatus;
import io.raftactors.raft.metrics.PrometheusText;
import io.raftactors.raft.metrics.RaftMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The console's paths:
 *
 * <ul>
 *   <li>{@code GET /}: the dashboard (a page and its script, {@code /dashboard.js});
 *   <li>{@code GET /events}: the dashboard's live feed, server-sent events each carrying the whole
 *       view ({@link DashboardJson}) every {@code kv.http.update-interval};
 *   <li>{@code GET /api/cluster}: the same view once;
 *   <li>{@code GET /metrics}: this node's metrics in the Prometheus text format;
 *   <li>{@code GET /health}: 200 when this node is a member and knows a leader, else 503; a JSON
 *       body says which;
 *   <li>{@code POST /demo/crash/<id>}, {@code /demo/restart/<id>}, {@code /demo/isolate/<id>},
 *       {@code /demo/heal}, {@code /demo/load/on|off}: in {@code raft-kv local} only, and only
 *       with the header {@code X-Raft-Demo: 1} (a page on another site cannot send it).
 * </ul>
 *
 * With a password ({@code kv.resp.password}) every path asks for it by HTTP Basic authentication.
 * Every response forbids framing and scripts or styles from elsewhere; on a loopback address a
 * request must name a loopback host (a page on another site that rebinds its DNS name to 127.0.0.1
 * gets 421).
 */
final class ConsoleRoutes extends AllDirectives {
  private static final ContentType JSON = ContentTypes.APPLICATION_JSON;
  private static final String DEMO_HEADER = "X-Raft-Demo";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsoleRoutes.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final List<akka.http.javadsl.model.HttpHeader> SECURITY_HEADERS = List.of(
      akka.http.javadsl.model.HttpHeader.parse("X-Frame-Options", "DENY"),
      akka.http.javadsl.model.HttpHeader.parse("X-Content-Type-Options", "nosniff"),
      akka.http.javadsl.model.HttpHeader.parse("Content-Security-Policy",
          "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
      akka.http.javadsl.model.HttpHeader.parse("Cache-Control", "no-store"));
  private static final java.util.Set<String> LOOPBACK_NAMES = java.util.Set.of("localhost", "127.0.0.1", "[::1]", "::1");

  private final ActorSystem<?> system;
  private final String nodeId;
  private final Supplier<ActorRef<KvCommand>> replica;
  private final ClusterView view;
  private final HttpSettings settings;
  private final DemoControl demo;
  /** Looked up once: a host name's resolution must not block a request. */
  private final boolean loopbackOnly;

  ConsoleRoutes(ActorSystem<?> system, String nodeId, Supplier<ActorRef<KvCommand>> replica, ClusterView view,
      HttpSettings settings, DemoControl demo) {
    this.system = system;
    this.nodeId = nodeId;
    this.replica = replica;
    this.view = view;
    this.settings = settings;
    this.demo = demo;
    this.loopbackOnly = loopbackOnly(settings);
  }

  Route route() {
    Route paths = concat(
        pathSingleSlash(() -> get(() -> getFromResource("io/raftactors/kv/http/index.html",
            ContentTypes.TEXT_HTML_UTF8))),
        path("dashboard.js", () -> get(() -> getFromResource("io/raftactors/kv/http/dashboard.js",
            ContentTypes.create(akka.http.javadsl.model.MediaTypes.APPLICATION_JAVASCRIPT,
                akka.http.javadsl.model.HttpCharsets.UTF_8)))),
        path("events", () -> get(() -> completeOK(events(), EventStreamMarshalling.toEventStream()))),
        path(PathMatchers.segment("api").slash("cluster"), () -> get(() -> {
          String json = view.latest();
          return json == null
              ? complete(StatusCodes.SERVICE_UNAVAILABLE, json("{\"status\":\"gathering\"}"))
              : complete(json(json));
        })),
        path("metrics", () -> get(() -> complete(HttpEntities.create(
            ContentTypes.parse(PrometheusText.CONTENT_TYPE),
            PrometheusText.render(List.of(RaftMetrics.get(system).node(nodeId).labeled("node", nodeId)))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
        path("health", () -> get(() -> onSuccess(health(), r -> complete(r)))),
        pathPrefix("demo", this::demoRoutes));
    Route guarded = settings.password().isEmpty() ? paths
        : authenticateBasic("raft-kv", this::authenticate, user -> paths);
    return respondWithHeaders(SECURITY_HEADERS, () -> extractHost(host -> loopbackOnly && !LOOPBACK_NAMES
        .contains(host.toLowerCase(java.util.Locale.ROOT))
            ? complete(StatusCodes.MISDIRECTED_REQUEST, "this console answers only to a loopback host name")
            : guarded));
  }

  /** Whether the console listens on a loopback address only (then only loopback host names reach it). */
  private static boolean loopbackOnly(HttpSettings settings) {
    try {
      return java.net.InetAddress.getByName(settings.host()).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private Optional<String> authenticate(Optional<ProvidedCredentials> credentials) {
    return credentials.filter(c -> c.verify(settings.password())).map(ProvidedCredentials::identifier);
  }

  private Source<ServerSentEvent, akka.NotUsed> events() {
    return Source.tick(Duration.ZERO, settings.updateInterval(), "tick")
        .map(t -> Optional.ofNullable(view.latest()))
        .filter(Optional::isPresent)
        .map(json -> ServerSentEvent.create(json.get()))
        .mapMaterializedValue(tick -> akka.NotUsed.getInstance());
  }

  private static akka.http.javadsl.model.ResponseEntity json(String body) {
    return HttpEntities.create(JSON, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static akka.http.javadsl.model.ResponseEntity json(java.util.Map<String, Object> body) {
    try {
      return HttpEntities.create(JSON, MAPPER.writeValueAsBytes(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private CompletionStage<HttpResponse> health() {
    ActorRef<KvCommand> self = replica.get();
    if (self == null) return CompletableFuture.completedFuture(unhealthy("the node is down"));
    return Asks.<KvCommand, NodeStatus>ask(self, settings.memberTimeout(), system.scheduler(),
            r -> KvCommand.Admin.of(new GetStatus(r)))
        .handle((s, e) -> {
          if (e != null) return unhealthy("the node does not answer");
          if (!s.isVoter() && !s.isLearner()) return unhealthy("not a member (yet)");
          if (s.leaderId() == null) return unhealthy("no known leader");
          java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
          body.put("status", "ok");
          body.put("node", nodeId);
          body.put("role", s.role().name());
          body.put("leader", s.leaderId());
          body.put("term", s.term());
          return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(json(body));
        });
  }

  private HttpResponse unhealthy(String why) {
    return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
        .withEntity(json(java.util.Map.of("status", "unavailable", "node", nodeId, "reason", why)));
  }

  private Route demoRoutes() {
    if (demo == null) {
      return complete(StatusCodes.NOT_FOUND, "no demo here: the buttons exist only in raft-kv local");
    }
    return post(() -> headerValueByName(DEMO_HEADER, h -> concat(
        path(PathMatchers.segment("crash").slash(PathMatchers.segment()), id -> act(demo.crash(id))),
        path(PathMatchers.segment("restart").slash(PathMatchers.segment()), id -> act(demo.restart(id))),
        path(PathMatchers.segment("isolate").slash(PathMatchers.segment()), id -> act(demo.isolate(id))),
        path("heal", () -> act(demo.heal())),
        path(PathMatchers.segment("load").slash("on"), () -> act(demo.load(true))),
        path(PathMatchers.segment("load").slash("off"), () -> act(demo.load(false))))));
  }

  /** 200 with what was done; 409 when the member's state does not allow it; 500 (details in the log) otherwise. */
  private Route act(CompletionStage<String> action) {
    return onComplete(action, result -> {
      if (result.isSuccess()) return complete(StatusCodes.OK, result.get());
      Throwable e = result.failed().get();
      while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) e = e.getCause();
      if (e instanceof IllegalArgumentException) return complete(StatusCodes.CONFLICT, String.valueOf(e.getMessage()));
      LOG.warn("node {}: demo action failed", nodeId, e);
      return complete(StatusCodes.INTERNAL_SERVER_ERROR, "failed; see the node's log");
    });
  }
}
