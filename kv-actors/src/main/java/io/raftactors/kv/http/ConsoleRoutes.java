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
 */
final class ConsoleRoutes extends AllDirectives {
  private static final ContentType JSON = ContentTypes.APPLICATION_JSON;
  private static final String DEMO_HEADER = "X-Raft-Demo";

  private final ActorSystem<?> system;
  private final String nodeId;
  private final Supplier<ActorRef<KvCommand>> replica;
  private final ClusterView view;
  private final HttpSettings settings;
  private final DemoControl demo;

  ConsoleRoutes(ActorSystem<?> system, String nodeId, Supplier<ActorRef<KvCommand>> replica, ClusterView view,
      HttpSettings settings, DemoControl demo) {
    this.system = system;
    this.nodeId = nodeId;
    this.replica = replica;
    this.view = view;
    this.settings = settings;
    this.demo = demo;
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
    if (settings.password().isEmpty()) return paths;
    return authenticateBasic("raft-kv", this::authenticate, user -> paths);
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

  private CompletionStage<HttpResponse> health() {
    ActorRef<KvCommand> self = replica.get();
    if (self == null) return CompletableFuture.completedFuture(unhealthy("the node is down"));
    return Asks.<KvCommand, NodeStatus>ask(self, settings.memberTimeout(), system.scheduler(),
            r -> KvCommand.Admin.of(new GetStatus(r)))
        .handle((s, e) -> {
          if (e != null) return unhealthy("the node does not answer");
          if (!s.isVoter() && !s.isLearner()) return unhealthy("not a member (yet)");
          if (s.leaderId() == null) return unhealthy("no known leader");
          return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(json(
              "{\"status\":\"ok\",\"node\":\"" + nodeId + "\",\"role\":\"" + s.role() + "\",\"leader\":\""
                  + s.leaderId() + "\",\"term\":" + s.term() + "}"));
        });
  }

  private HttpResponse unhealthy(String why) {
    return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE).withEntity(json(
        "{\"status\":\"unavailable\",\"node\":\"" + nodeId + "\",\"reason\":\"" + why + "\"}"));
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

  private Route act(CompletionStage<String> action) {
    return onComplete(action, result -> result.isSuccess()
        ? complete(StatusCodes.OK, result.get())
        : complete(StatusCodes.BAD_REQUEST, String.valueOf(rootCause(result.failed().get()).getMessage())));
  }

  private static Throwable rootCause(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t;
  }
}
