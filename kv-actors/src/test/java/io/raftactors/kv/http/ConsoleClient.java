package io.raftactors.kv.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** A plain HTTP client of a node's console, for tests. */
public final class ConsoleClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String authorization;

  public ConsoleClient(String baseUrl, String password) {
    this.base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.authorization = password == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(("any:" + password).getBytes(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  HttpResponse<String> post(String path, boolean demoHeader) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
    if (demoHeader) b.header("X-Raft-Demo", "1");
    return send(b);
  }

  /** The cluster view, once the console listens and has gathered one (within 20 s). */
  public JsonNode cluster() throws Exception {
    return awaitView("a cluster view", view -> true);
  }

  /** The cluster view, once {@code condition} holds for it (within 20 s). */
  public JsonNode awaitView(String what, Predicate<JsonNode> condition) throws Exception {
    AtomicReference<Object> last = new AtomicReference<>();
    return until(what + " from " + base, Duration.ofSeconds(20), last, () -> {
      HttpResponse<String> r;
      try {
        r = get("api/cluster");
      } catch (java.net.ConnectException e) { // a node JVM starts its console just after RESP
        last.set(e);
        return null;
      }
      if (r.statusCode() != 200) {
        last.set(r.statusCode() + " " + r.body());
        return null;
      }
      JsonNode view = JSON.readTree(r.body());
      last.set(view);
      return condition.test(view) ? view : null;
    });
  }

  /** The answer to {@code GET path}, once it has {@code status} (within 10 s). */
  HttpResponse<String> awaitStatus(String path, int status) throws Exception {
    AtomicReference<Object> last = new AtomicReference<>();
    return until(path + " answering " + status, Duration.ofSeconds(10), last, () -> {
      HttpResponse<String> r = get(path);
      last.set(r.statusCode() + " " + r.body());
      return r.statusCode() == status ? r : null;
    });
  }

  /** Polls {@code probe} until it gives non-null; fails after {@code timeout}, naming what it saw last. */
  private static <T> T until(String what, Duration timeout, AtomicReference<Object> last, Callable<T> probe)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T value = probe.call();
      if (value != null) return value;
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; last: " + last.get());
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
