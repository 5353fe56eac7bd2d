package io.strategybench.testing;

import io.strategybench.backend.SimulatedBackendSpec;
import io.strategybench.lb.BackendAddress;
import io.strategybench.lb.HealthPolicy;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerStage;
import io.strategybench.server.ServerConfig;
import io.strategybench.server.Stage;
import io.strategybench.server.TargetServer;
import io.strategybench.server.Upstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A target server on a free loopback port for a test, and an HTTP/1.1 client for it. */
public final class TestTarget implements AutoCloseable {
  public static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final TargetServer server;

  private TestTarget(TargetServer server) {
    this.server = server;
  }

  /**
   * Passive health: 3 failures eject for a minute; no active probes and no panic threshold, so the ejection rules
   * are seen alone (tests turn the others on when they need them).
   */
  public static HealthPolicy health() {
    return new HealthPolicy(3, TimeUnit.SECONDS.toNanos(60), true, 0, TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 2,
        0);
  }

  public static TestTarget start(LoadBalancer strategy, List<BackendAddress> real, List<SimulatedBackendSpec> simulated,
      HealthPolicy health, Upstream.Limits limits) throws InterruptedException {
    return start(strategy, real, simulated, health, limits, "auto");
  }

  /** A target on a given transport ({@code auto}, {@code epoll}, {@code io_uring}, {@code nio}). */
  public static TestTarget start(LoadBalancer strategy, List<BackendAddress> real, List<SimulatedBackendSpec> simulated,
      HealthPolicy health, Upstream.Limits limits, String transport) throws InterruptedException {
    LoadBalancerStage stage = new LoadBalancerStage(strategy, "test", real, simulated, health, limits, 1);
    ServerConfig d = ServerConfig.defaults();
    ServerConfig config = new ServerConfig(d.host(), 0, 1, transport, d.maxRequestBytes(), d.idleTimeoutSeconds(),
        d.sessionHeader(), d.sessionCookie(), d.addForwardedFor(), d.allocatorName(), d.maxConnections(), d.admin(), d.headerTimeoutNanos());
    TargetServer server = new TargetServer(config, List.of(stage), Map.of("family", "lb", "strategy", "test"));
    return new TestTarget(server.start());
  }

  /** A target serving one stage of any family. */
  public static TestTarget start(Stage stage, String family) throws InterruptedException {
    return start(List.of(stage), family);
  }

  /** A target serving a pipeline of stages, in order. */
  public static TestTarget start(List<Stage> stages, String family) throws InterruptedException {
    ServerConfig d = ServerConfig.defaults();
    ServerConfig config = new ServerConfig(d.host(), 0, 1, "auto", d.maxRequestBytes(), d.idleTimeoutSeconds(),
        d.sessionHeader(), d.sessionCookie(), d.addForwardedFor(), d.allocatorName(), d.maxConnections(), d.admin(), d.headerTimeoutNanos());
    return new TestTarget(new TargetServer(config, stages, Map.of("family", family, "strategy", "test")).start());
  }

  public static List<SimulatedBackendSpec> pool(int n, String serviceTime, String... faults) {
    return SimulatedBackendSpec.pool(n, List.of(1), List.of(8), serviceTime, 64, 1024, List.of(faults));
  }

  public TargetServer server() {
    return server;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET with request headers given as name, value, name, value... */
  public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The same GET sent without waiting for the answer. */
  public java.util.concurrent.CompletableFuture<HttpResponse<String>> getAsync(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
