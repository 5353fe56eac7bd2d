package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.lb.LbRequest;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TargetServerTest {
  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  private TestTarget start(LoadBalancer lb, int backends, String serviceTime) throws Exception {
    target = TestTarget.start(lb, List.of(), TestTarget.pool(backends, serviceTime), TestTarget.health(),
        Upstream.Limits.defaults());
    return target;
  }

  @Test
  void proxiesRequestsOverKeepAliveConnectionsToEveryBackend() throws Exception {
    start(new RoundRobin(), 4, "const:1ms");
    Map<String, Integer> byBackend = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = target.get("/item/" + i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).hasSize(1024);
      byBackend.merge(response.headers().firstValue("x-backend").orElseThrow(), 1, Integer::sum);
    }
    assertThat(byBackend).containsOnly(Map.entry("b1", 25), Map.entry("b2", 25), Map.entry("b3", 25),
        Map.entry("b4", 25));
  }

  @Test
  void aMalformedRequestGets400AndTheServerKeepsServingOthers() throws Exception {
    start(new RoundRobin(), 2, "const:1ms");
    try (Socket keepAlive = new Socket("127.0.0.1", target.server().port())) {
      assertThat(exchange(keepAlive, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
      try (Socket bad = new Socket("127.0.0.1", target.server().port())) {
        String answer = exchange(bad, "THIS IS NOT HTTP\u0000\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("could not be parsed");
      }
      assertThat(exchange(keepAlive, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
    }
    assertThat(target.get("/").statusCode()).isEqualTo(200);
    JsonNode stats = stats();
    assertThat(stats.get("badRequests").asLong()).isEqualTo(1);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(),
        io.strategybench.backend.SimulatedBackendSpec.pool(2, List.of(1), List.of(8), "const:1ms", 8, 16, List.of("b1@0s:slow=50")),
        TestTarget.health(), Upstream.Limits.defaults());
    Thread.sleep(100); // the slow-down of b1 applies at once
    try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String both = readResponses(socket.getInputStream(), 2);
      // b1 (50 ms) got the first request, b2 (1 ms) the second; answers still come in request order.
      assertThat(both.indexOf("x-backend: b1")).isLessThan(both.indexOf("x-backend: b2"));
    }
  }

  @Test
  void theAdminPlaneServesHealthStatsAndReset() throws Exception {
    start(new RoundRobin(), 2, "const:1ms");
    for (int i = 0; i < 10; i++) {
      target.get("/");
    }
    HttpResponse<String> health = target.get("/_/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(health.body()).get("status").asText()).isEqualTo("up");
    JsonNode stats = stats();
    assertThat(stats.get("requests").asLong()).as("admin requests are not counted").isEqualTo(10);
    assertThat(stats.get("responsesByClass").get("2xx").asLong()).isEqualTo(10);
    assertThat(stats.get("latency").get("count").asLong()).isEqualTo(10);
    assertThat(stats.get("latency").get("p99Micros").asDouble()).as("at least the 1 ms service time").isGreaterThan(1000);
    assertThat(stats.get("bytesOut").asLong()).isEqualTo(10 * 1024);
    JsonNode lb = stats.get("stages").get("lb");
    assertThat(lb.get("backends")).hasSize(2);
    assertThat(lb.get("dispatched").asLong()).isEqualTo(10);
    assertThat(lb.get("dispatchedWhileUnavailable").asLong()).isZero();
    assertThat(target.post("/_/reset").statusCode()).isEqualTo(200);
    JsonNode after = stats();
    assertThat(after.get("requests").asLong()).isZero();
    assertThat(after.get("latency").get("count").asLong()).isZero();
    assertThat(after.get("stages").get("lb").get("dispatched").asLong()).isZero();
  }

  @Test
  void unknownAdminPathsAndWrongMethodsAreExplained() throws Exception {
    start(new RoundRobin(), 1, "const:1ms");
    HttpResponse<String> unknown = target.get("/_/nothing");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("GET /_/stats").contains("POST /_/reset");
    HttpResponse<String> wrong = target.get("/_/reset");
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.body()).contains("takes POST");
  }

  @Test
  void aTooLargeRequestBodyGets413() throws Exception {
    start(new RoundRobin(), 1, "const:1ms");
    HttpResponse<String> response = TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri("/upload"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(target.get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void largeResponsesAreStreamedWholeThroughTheProxy() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(),
        io.strategybench.backend.SimulatedBackendSpec.pool(1, List.of(1), List.of(4), "const:1ms", 8, 4 * 1024 * 1024,
            List.of()),
        TestTarget.health(), Upstream.Limits.defaults());
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> response = TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri("/big")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      byte[] body = response.body();
      assertThat(body).hasSize(4 * 1024 * 1024);
      assertThat(body[body.length - 1]).isEqualTo((byte) ('a' + (body.length - 1) % 26));
    }
  }

  @Test
  void aStrategyThatThrowsGets500AndTheServerKeepsServing() throws Exception {
    LoadBalancer broken = new LoadBalancer() {
      @Override
      public void setBackends(List<? extends io.strategybench.lb.Backend> backends) {}

      @Override
      public io.strategybench.lb.Backend pick(LbRequest request) {
        throw new IllegalStateException("no idea");
      }
    };
    start(broken, 1, "const:1ms");
    HttpResponse<String> response = target.get("/");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("strategy 'test' failed").contains("no idea");
    assertThat(target.get("/_/health").statusCode()).isEqualTo(200);
    assertThat(stats().get("stages").get("lb").get("strategyErrors").asLong()).isEqualTo(1);
  }

  @Test
  void aPortInUseIsReportedAsSuch() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      ServerConfig config = ServerConfig.defaults().withPort(taken.getLocalPort()).withIoThreads(1);
      TargetServer server = new TargetServer(config, List.of(new io.strategybench.lb.LoadBalancerStage(
          new RoundRobin(), "round-robin", List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
          Upstream.Limits.defaults(), 1)), Map.of());
      assertThatThrownBy(server::start)
          .isInstanceOf(ServerStartException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void writesServerLatencyToAnHdrHistogramLog() throws Exception {
    java.nio.file.Path log = java.nio.file.Files.createTempFile("server", ".hlog");
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    target.server().logLatencyTo(log);
    for (int i = 0; i < 20; i++) {
      target.get("/");
    }
    target.post("/_/reset");
    for (int i = 0; i < 30; i++) {
      target.get("/");
    }
    target.close();
    target = null;
    org.HdrHistogram.HistogramLogReader reader = new org.HdrHistogram.HistogramLogReader(log.toFile());
    long before = 0;
    long after = 0;
    org.HdrHistogram.EncodableHistogram h;
    while ((h = reader.nextIntervalHistogram()) != null) {
      org.HdrHistogram.Histogram histogram = (org.HdrHistogram.Histogram) h;
      if ("epoch-0".equals(histogram.getTag())) {
        before += histogram.getTotalCount();
      } else {
        assertThat(histogram.getTag()).isEqualTo("epoch-1");
        after += histogram.getTotalCount();
      }
    }
    assertThat(before).isEqualTo(20);
    assertThat(after).isEqualTo(30);
  }

  @Test
  void relaysChunkedAndCloseDelimitedResponsesOfARealBackendByteForByte() throws Exception {
    List<String> responses = List.of(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "HTTP/1.0 200 OK\r\nX-Kind: until-close\r\n\r\nuntil the end");
    try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        for (String response : responses) {
          try (Socket s = backend.accept()) {
            InputStream in = s.getInputStream();
            readRequestHead(in);
            // Dribble the response out in small pieces, so framing has to span reads.
            byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < bytes.length; i += 7) {
              s.getOutputStream().write(bytes, i, Math.min(7, bytes.length - i));
              s.getOutputStream().flush();
              Thread.sleep(2);
            }
            if (!response.contains("chunked")) {
              s.shutdownOutput();
            } else {
              in.read(); // the proxy keeps the connection; wait for it to go
            }
          } catch (Exception e) {
            return;
          }
        }
      });
      server.setDaemon(true);
      server.start();
      target = TestTarget.start(new RoundRobin(),
          List.of(new io.strategybench.lb.BackendAddress("127.0.0.1", backend.getLocalPort(), 1)), List.of(),
          TestTarget.health(), Upstream.Limits.defaults());
      HttpResponse<String> chunked = target.get("/one");
      assertThat(chunked.statusCode()).isEqualTo(200);
      assertThat(chunked.body()).isEqualTo("hello world");
      assertThat(chunked.headers().firstValue("x-kind")).hasValue("chunked");
      target.server().close(); // frees the pooled connection, so the next request opens a new one
      target = TestTarget.start(new RoundRobin(),
          List.of(new io.strategybench.lb.BackendAddress("127.0.0.1", backend.getLocalPort(), 1)), List.of(),
          TestTarget.health(), Upstream.Limits.defaults());
      // The body ends when the proxy closes the client connection; if it never did, this would hang until
      // the idle timeout, so the wait is bounded (a hang, not a speed, is what fails here).
      HttpResponse<String> untilClose = TestTarget.CLIENT.sendAsync(HttpRequest.newBuilder(target.uri("/two")).build(),
          HttpResponse.BodyHandlers.ofString()).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(untilClose.statusCode()).isEqualTo(200);
      assertThat(untilClose.body()).isEqualTo("until the end");
      assertThat(untilClose.headers().firstValue("connection")).hasValue("close");
    }
  }

  @Test
  void aMalformedBackendResponseGets502() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = backend.accept()) {
          InputStream in = s.getInputStream();
          readRequestHead(in);
          s.getOutputStream().write("SPDY/9 700 Nope\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          in.read();
        } catch (Exception e) {
          // test over
        }
      });
      server.setDaemon(true);
      server.start();
      target = TestTarget.start(new RoundRobin(),
          List.of(new io.strategybench.lb.BackendAddress("127.0.0.1", backend.getLocalPort(), 1)), List.of(),
          TestTarget.health(), Upstream.Limits.defaults());
      HttpResponse<String> response = target.get("/");
      assertThat(response.statusCode()).isEqualTo(502);
      assertThat(response.body()).contains("malformed response").contains("not an HTTP/1.x status line");
    }
  }

  @Test
  void aHeadRequestGetsHeadersWithoutABody() throws Exception {
    start(new RoundRobin(), 1, "const:1ms");
    HttpResponse<String> head = TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri("/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("content-length")).hasValue("1024");
    assertThat(target.get("/").body()).as("the connection is still in step").hasSize(1024);
  }

  @Test
  void aPipelined413IsAnsweredInItsTurn() throws Exception {
    start(new RoundRobin(), 1, "const:200ms");
    try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String both = readResponses(socket.getInputStream(), 2);
      assertThat(both).startsWith("HTTP/1.1 200 OK");
      assertThat(both.indexOf("HTTP/1.1 413")).as("after the 200").isGreaterThan(both.indexOf("HTTP/1.1 200"));
      // The dropped body did not cost the connection: it still serves.
      socket.getOutputStream().write(new byte[2_000_000]);
      assertThat(exchange(socket, "GET /again HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void anHttp10ClientNeverGetsAChunkedBody() throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = backend.accept()) {
          readRequestHead(s.getInputStream());
          s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
          s.getInputStream().read();
        } catch (Exception e) {
          // test over
        }
      });
      server.setDaemon(true);
      server.start();
      target = TestTarget.start(new RoundRobin(),
          List.of(new io.strategybench.lb.BackendAddress("127.0.0.1", backend.getLocalPort(), 1)), List.of(),
          TestTarget.health(), Upstream.Limits.defaults());
      try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
        socket.setSoTimeout(5000);
        socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answer).startsWith("HTTP/1.1 200 OK").doesNotContainIgnoringCase("transfer-encoding")
            .contains("connection: close").endsWith("\r\n\r\nhello");
      }
    }
  }

  @Test
  void aHeadRequestAnsweredLocallyHasNoBody() throws Exception {
    start(new RoundRobin(), 1, "const:1ms");
    target.post("/_/backends/b1/kill");
    for (int i = 0; i < 3; i++) {
      target.get("/"); // ejects b1
    }
    HttpResponse<String> head = TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri("/"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(503);
    assertThat(head.body()).isEmpty();
    assertThat(Integer.parseInt(head.headers().firstValue("content-length").orElseThrow())).isPositive();
    assertThat(target.get("/_/health").statusCode()).as("the connection is still in step").isEqualTo(503);
  }

  /** Reads a request head off a raw backend socket; EOFException when the connection ends first. */
  static void readRequestHead(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed before the request head ended");
      }
      head.append((char) c);
    }
  }

  private JsonNode stats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body());
  }

  /** Sends one request on a socket and reads one response. */
  static String exchange(Socket socket, String request) throws Exception {
    socket.setSoTimeout(5000);
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return readResponses(socket.getInputStream(), 1);
  }

  /** Reads {@code count} responses with Content-Length bodies. */
  static String readResponses(InputStream in, int count) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int r = 0; r < count; r++) {
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return all + head.toString();
        }
        head.append((char) c);
      }
      int length = 0;
      for (String line : head.toString().split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      all.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      all.write(in.readNBytes(length));
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }
}
