package io.strategybench.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The admin plane under {@code /_/}: {@code GET /_/health}, {@code GET /_/stats}, {@code POST /_/reset},
 * plus whatever the stages serve (the load balancer's {@code /_/backends} topology changes). Requests are
 * served on one admin thread, off the I/O threads, because topology changes may wait for sockets to close;
 * the answer goes back on the client's event loop.
 */
final class AdminPlane {
  static final String ENDPOINTS = "GET /_/health, GET /_/stats, POST /_/reset[?gc=true], GET /_/backends, "
      + "POST /_/backends?address=HOST:PORT[&weight=W] or ?simulated=true[&service-time=..&capacity=..&weight=..], "
      + "DELETE /_/backends/NAME, POST /_/backends/NAME/kill, POST /_/backends/NAME/revive, "
      + "POST /_/backends/NAME/fault?action=slow=10|error=503|refuse|recover";

  private final TargetServer server;
  private final ExecutorService executor;

  AdminPlane(TargetServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  void handle(Exchange exchange) {
    AdminRequest request = AdminRequest.of(exchange.request().method().name(), exchange.request().uri(),
        exchange.request().content().toString(StandardCharsets.UTF_8));
    try {
      executor.execute(() -> {
        AdminResponse response;
        try {
          response = route(request);
        } catch (IllegalArgumentException e) {
          response = AdminResponse.error(400, e.getMessage());
        } catch (RuntimeException e) {
          TargetServerHandler.log.warn("admin {} {} failed", request.method(), request.path(), e);
          response = AdminResponse.error(500, request.method() + " " + request.path() + " failed: " + e);
        }
        AdminResponse answer = response;
        exchange.eventLoop().execute(() -> exchange.respond(toHttp(answer)));
      });
    } catch (RejectedExecutionException e) {
      exchange.respond(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down\n");
    }
  }

  AdminResponse route(AdminRequest request) {
    List<String> segments = request.segments();
    String first = segments.isEmpty() ? "" : segments.get(0);
    switch (first) {
      case "health":
        return expect(request, "GET", () -> health());
      case "stats":
        return expect(request, "GET", () -> {
          Map<String, Object> stats = server.statsDocument();
          if (Boolean.parseBoolean(request.param("reset", "false"))) {
            server.reset();
          }
          return AdminResponse.ok(stats);
        });
      case "reset":
        return expect(request, "POST", () -> {
          boolean collect = Boolean.parseBoolean(request.param("gc", "false"));
          if (collect) {
            // between a load run's warm-up and its measured phase nothing is in flight: collect now rather than
            // in the middle of the measured requests
            System.gc();
          }
          server.reset();
          return AdminResponse.ok(Map.of("reset", true, "collected", collect));
        });
      default:
        for (Stage stage : server.stages()) {
          AdminResponse response = stage.admin(request);
          if (response != null) {
            return response;
          }
        }
        return AdminResponse.error(404, "no admin endpoint " + request.method() + " " + request.path()
            + "; endpoints: " + ENDPOINTS);
    }
  }

  private AdminResponse health() {
    boolean ready = true;
    Map<String, Object> stages = new LinkedHashMap<>();
    for (Stage stage : server.stages()) {
      boolean stageReady = stage.isReady();
      stages.put(stage.name(), stageReady ? "ready" : "not ready");
      ready &= stageReady;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "up" : "degraded");
    body.put("stages", stages);
    return new AdminResponse(ready ? 200 : 503, body);
  }

  private static AdminResponse expect(AdminRequest request, String method, java.util.function.Supplier<AdminResponse> action) {
    if (!request.method().equals(method)) {
      return AdminResponse.error(405, request.path() + " takes " + method + ", not " + request.method());
    }
    return action.get();
  }

  static FullHttpResponse toHttp(AdminResponse response) {
    byte[] json = (Json.write(response.body()) + "\n").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(json));
    http.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    return http;
  }
}
