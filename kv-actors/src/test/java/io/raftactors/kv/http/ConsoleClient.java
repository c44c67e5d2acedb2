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
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      String why;
      try {
        HttpResponse<String> r = get("api/cluster");
        if (r.statusCode() == 200) return JSON.readTree(r.body());
        why = r.statusCode() + " " + r.body();
      } catch (java.net.ConnectException e) { // a node JVM starts its console just after RESP
        why = e.toString();
      }
      if (System.nanoTime() > deadline) throw new AssertionError("no cluster view from " + base + ": " + why);
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    if (authorization != null) b.header("Authorization", authorization);
    return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
