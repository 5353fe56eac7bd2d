package io.strategybench.lb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import io.strategybench.server.Upstream;
import io.strategybench.testing.TestTarget;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadBalancerStageTest {
  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  private JsonNode backend(String name) throws Exception {
    return Json.MAPPER.readTree(target.get("/_/backends/" + name).body());
  }

  private JsonNode lbStats() throws Exception {
    return Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("lb");
  }

  @Test
  void afterABackendIsKilledNoRequestReachesItOnceItIsEjected() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(4, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    assertThat(target.post("/_/backends/b2/kill").statusCode()).isEqualTo(200);
    for (int i = 0; i < 40; i++) {
      assertThat(target.get("/").statusCode()).as("a refused connection is retried on another backend").isEqualTo(200);
    }
    JsonNode b2 = backend("b2");
    assertThat(b2.get("state").asText()).isEqualTo("ejected");
    long dispatched = b2.get("dispatched").asLong();
    assertThat(dispatched).as("exactly max-fails attempts before the ejection").isEqualTo(3);
    for (int i = 0; i < 100; i++) {
      assertThat(target.get("/").statusCode()).isEqualTo(200);
    }
    assertThat(backend("b2").get("dispatched").asLong()).isEqualTo(dispatched);
    JsonNode lb = lbStats();
    assertThat(lb.get("retries").asLong()).isEqualTo(3);
    assertThat(lb.get("dispatchedWhileUnavailable").asLong()).isZero();
  }

  @Test
  void aBackendAnswering5xxIsEjectedAndThenReceivesNothing() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(3, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    assertThat(target.post("/_/backends/b1/fault?action=error=503").statusCode()).isEqualTo(200);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      statuses.add(target.get("/").statusCode());
    }
    assertThat(statuses.stream().filter(s -> s == 503).count()).as("the 5xx answers before ejection are relayed")
        .isEqualTo(3);
    JsonNode b1 = backend("b1");
    assertThat(b1.get("state").asText()).isEqualTo("ejected");
    long received = b1.get("received").asLong();
    for (int i = 0; i < 60; i++) {
      assertThat(target.get("/").statusCode()).isEqualTo(200);
    }
    assertThat(backend("b1").get("received").asLong()).as("requests that reached the ejected backend")
        .isEqualTo(received);
  }

  @Test
  void activeProbesTakeADeadBackendOutWithoutTrafficAndBringItBack() throws Exception {
    HealthPolicy probing = new HealthPolicy(3, TimeUnit.SECONDS.toNanos(60), true, TimeUnit.MILLISECONDS.toNanos(50),
        TimeUnit.MILLISECONDS.toNanos(200), "/", 2, 2);
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(2, "const:1ms"), probing,
        Upstream.Limits.defaults());
    target.post("/_/backends/b1/kill");
    assertThat(awaitState("b1", "down")).isTrue();
    for (int i = 0; i < 20; i++) {
      assertThat(target.get("/").headers().firstValue("x-backend")).hasValue("b2");
    }
    assertThat(backend("b1").get("dispatched").asLong()).isZero();
    target.post("/_/backends/b1/revive");
    assertThat(awaitState("b1", "up")).isTrue();
  }

  /** Makes b1, b2 and b3 of four answer 503 until each is ejected; returns each backend's dispatches so far. */
  private long[] ejectThreeOfFour(HealthPolicy health) throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(4, "const:1ms"), health,
        Upstream.Limits.defaults());
    for (String b : List.of("b1", "b2", "b3")) {
      assertThat(target.post("/_/backends/" + b + "/fault?action=error=503").statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 12; i++) {
      target.get("/");
    }
    long[] dispatched = new long[4];
    for (int i = 0; i < 4; i++) {
      JsonNode b = backend("b" + (i + 1));
      assertThat(b.get("state").asText()).as("b" + (i + 1)).isEqualTo(i < 3 ? "ejected" : "up");
      dispatched[i] = b.get("dispatched").asLong();
    }
    return dispatched;
  }

  @Test
  void withThreeOfFourBackendsEjectedThePanicThresholdSpreadsTrafficOverAllFour() throws Exception {
    long[] before = ejectThreeOfFour(TestTarget.health().withPanicThreshold(0.5));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      statuses.add(target.get("/").statusCode());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(backend("b" + (i + 1)).get("dispatched").asLong() - before[i])
          .as("b%d: one backend of four up is under half, so all four share the load", i + 1).isEqualTo(10);
    }
    assertThat(statuses.stream().filter(s -> s == 200).count()).as("b4's share answers").isEqualTo(10);
    JsonNode lb = lbStats();
    // the 12th request, to b4 just after b3's ejection, was already in panic
    assertThat(lb.get("panicDispatches").asLong()).isEqualTo(41);
    assertThat(lb.get("dispatchedWhileUnavailable").asLong()).as("panic sets health aside on purpose").isZero();
    assertThat(backend("b1").get("dispatchedInPanic").asLong()).isEqualTo(10);
  }

  @Test
  void withoutAPanicThresholdThreeEjectedBackendsLeaveAllTrafficToTheFourth() throws Exception {
    long[] before = ejectThreeOfFour(TestTarget.health().withPanicThreshold(0));
    for (int i = 0; i < 40; i++) {
      assertThat(target.get("/").statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(backend("b" + (i + 1)).get("dispatched").asLong()).isEqualTo(before[i]);
    }
    assertThat(backend("b4").get("dispatched").asLong() - before[3]).isEqualTo(40);
    assertThat(lbStats().get("panicDispatches").asLong()).isZero();
  }

  @Test
  void withEveryBackendDownTheClientGets503AtOnceWithTheReason() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(2, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    target.post("/_/backends/b1/kill");
    target.post("/_/backends/b2/kill");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      statuses.add(target.get("/").statusCode());
    }
    assertThat(statuses).contains(502).endsWith(503);
    HttpResponse<String> last = target.get("/");
    assertThat(last.body()).contains("no backend is available").contains("b1 ejected").contains("b2 ejected");
    assertThat(target.get("/_/health").statusCode()).isEqualTo(503);
  }

  @Test
  void refusedConnectionsOnEveryBackendGive502NamingBoth() throws Exception {
    int closedA = freePort();
    int closedB = freePort();
    target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", closedA, 1),
        new BackendAddress("127.0.0.1", closedB, 1)), List.of(), TestTarget.health(), Upstream.Limits.defaults());
    HttpResponse<String> response = target.get("/");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("could not connect to backend 127.0.0.1:" + closedA)
        .contains("then could not connect to backend 127.0.0.1:" + closedB);
  }

  @Test
  void aBackendThatNeverAnswersGets504WhenTheResponseTimeoutExpires() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // reads nothing, answers nothing
          }
        } catch (Exception closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Upstream.Limits limits = new Upstream.Limits(500, TimeUnit.MILLISECONDS.toNanos(300), 16, 16);
      target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", silent.getLocalPort(), 1)),
          List.of(), TestTarget.health(), limits);
      HttpResponse<String> response = target.get("/");
      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.body()).contains("sent nothing for 300 ms");
      assertThat(lbStats().get("timeouts").asLong()).isEqualTo(1);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void backendsAreAddedAndRemovedWhileServing() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    HttpResponse<String> added = target.post("/_/backends?simulated=true&capacity=4&service-time=const:1ms");
    assertThat(added.statusCode()).isEqualTo(201);
    assertThat(Json.MAPPER.readTree(added.body()).get("name").asText()).isEqualTo("b2");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      seen.add(target.get("/").headers().firstValue("x-backend").orElseThrow());
    }
    assertThat(seen).contains("b1", "b2");
    assertThat(target.delete("/_/backends/b1").statusCode()).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(target.get("/").headers().firstValue("x-backend")).hasValue("b2");
    }
    assertThat(target.delete("/_/backends/b2").statusCode()).as("the last backend stays").isEqualTo(409);
    HttpResponse<String> real = target.post("/_/backends?address=127.0.0.1:" + freePort());
    assertThat(real.statusCode()).isEqualTo(201);
    String name = Json.MAPPER.readTree(real.body()).get("name").asText();
    HttpResponse<String> kill = target.post("/_/backends/" + name + "/kill");
    assertThat(kill.statusCode()).isEqualTo(409);
    assertThat(kill.body()).contains("is a real server");
    assertThat(target.post("/_/backends/nope/kill").statusCode()).isEqualTo(404);
  }

  @Test
  void stickinessAndClientAffinityAreMeasuredFromHeaders() throws Exception {
    target = TestTarget.start(new IpHash(), List.of(), TestTarget.pool(3, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    for (int i = 0; i < 60; i++) {
      var request = java.net.http.HttpRequest.newBuilder(target.uri("/"))
          .header("X-Forwarded-For", "10.0.0." + (i % 6))
          .header("X-Session", "s" + (i % 5))
          .build();
      assertThat(TestTarget.CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
    JsonNode lb = lbStats();
    assertThat(lb.get("clientAffinity").asDouble()).as("ip-hash keeps every client on its backend").isEqualTo(1.0);
    assertThat(lb.get("clientsTracked").asInt()).isEqualTo(6);
    assertThat(lb.get("sessionsTracked").asInt()).isEqualTo(5);
    assertThat(lb.get("stickiness").asDouble()).as("sessions cross clients here, so they move").isLessThan(1.0);
  }

  @Test
  void aStrategyThatReturnsARemovedBackendIsCaughtNotObeyed() throws Exception {
    LoadBalancer stale = new LoadBalancer() {
      private volatile Backend first;

      @Override
      public void setBackends(List<? extends Backend> backends) {
        if (first == null) {
          first = backends.get(0); // never forgets it: a bug a plugin could have
        }
      }

      @Override
      public Backend pick(LbRequest request) {
        return first;
      }
    };
    target = TestTarget.start(stale, List.of(), TestTarget.pool(2, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    assertThat(target.get("/").statusCode()).isEqualTo(200);
    assertThat(target.delete("/_/backends/b1").statusCode()).isEqualTo(200);
    HttpResponse<String> response = target.get("/");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("picked 'b1', which is not one of the backends it was given");
    assertThat(lbStats().get("strategyErrors").asLong()).isEqualTo(1);
  }

  @Test
  void requestsInFlightToARemovedBackendStillTimeOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
      List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            Socket s = silent.accept();
            accepted.add(s);
            received.countDown(); // reads nothing, answers nothing
          }
        } catch (Exception closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Upstream.Limits limits = new Upstream.Limits(500, TimeUnit.MILLISECONDS.toNanos(800), 16, 16);
      target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", silent.getLocalPort(), 1)),
          TestTarget.pool(1, "const:1ms"), TestTarget.health(), limits);
      var pending = TestTarget.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(target.uri("/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(target.delete("/_/backends/127.0.0.1:" + silent.getLocalPort()).statusCode()).isEqualTo(200);
      // Bounded wait: without the timeout the answer would never come.
      HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(504);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void aClientLeavingMidResponseIsNotCountedAgainstTheBackend() throws Exception {
    int size = 32 * 1024 * 1024;
    try (ServerSocket backendSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      java.util.concurrent.atomic.AtomicBoolean writeFailed = new java.util.concurrent.atomic.AtomicBoolean();
      Thread backend = new Thread(() -> {
        try (Socket s = backendSocket.accept()) {
          java.io.InputStream in = s.getInputStream();
          StringBuilder head = new StringBuilder();
          while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
          }
          java.io.OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes());
          byte[] chunk = new byte[65536];
          for (int i = 0; i < size / chunk.length; i++) {
            out.write(chunk);
          }
          out.flush();
          in.read();
        } catch (Exception e) {
          writeFailed.set(true); // the proxy closed the connection when the client left
        }
      });
      backend.setDaemon(true);
      backend.start();
      Upstream.Limits limits = new Upstream.Limits(500, TimeUnit.MILLISECONDS.toNanos(1000), 16, 16);
      target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", backendSocket.getLocalPort(), 1)),
          List.of(), TestTarget.health(), limits);
      Socket client = new Socket();
      client.setReceiveBufferSize(4096);
      client.connect(new java.net.InetSocketAddress("127.0.0.1", target.server().port()));
      client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      Thread.sleep(400); // reads nothing: the proxy's client side fills up and the upstream is paused
      client.setSoLinger(true, 0);
      client.close();
      backend.join(5000);
      assertThat(writeFailed).as("the upstream connection was closed, not left paused").isTrue();
      Thread.sleep(1200); // past the response timeout
      JsonNode lb = lbStats();
      assertThat(lb.get("timeouts").asLong()).isZero();
      assertThat(lb.get("backends").get(0).get("failures").asLong()).isZero();
      assertThat(lb.get("backends").get(0).get("state").asText()).isEqualTo("up");
    }
  }

  private boolean awaitState(String name, String state) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (backend(name).get("state").asText().equals(state)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
