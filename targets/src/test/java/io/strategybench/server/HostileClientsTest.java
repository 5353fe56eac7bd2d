package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The target under hostile and unlucky clients: requests nginx refuses are refused here too, before any stage
 * sees them, with a status that says why and a body without Java internals; a client that sends and never
 * reads holds a bounded amount of the target's memory; past the connection cap a client is told so.
 */
class HostileClientsTest {
  private TestTarget target;

  @AfterEach
  void stop() {
    if (target != null) {
      target.close();
    }
  }

  static Stream<Arguments> refused() {
    String longTarget = "/" + "a".repeat(RequestRules.MAX_INITIAL_LINE + 100);
    String bigHeader = "X-Big: " + "b".repeat(RequestRules.MAX_HEADER_BYTES + 100) + "\r\n";
    return Stream.of(
        Arguments.of("a NUL byte in the target", "GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a 0x01 byte in the target", "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a DEL byte in the target", "GET /a\u007fb HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a space in the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a tab in the target", "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a target not in origin form", "GET a/b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("a lower-case method", "get / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", 505),
        Arguments.of("HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        Arguments.of("no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 501),
        Arguments.of("CONNECT", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405),
        Arguments.of("bare CR line ends", "GET / HTTP/1.1\rHost: x\r\r", 400),
        Arguments.of("a bare CR inside a header", "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400),
        Arguments.of("a request line over the limit", "GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        Arguments.of("headers over the limit", "GET / HTTP/1.1\r\nHost: x\r\n" + bigHeader + "\r\n", 431));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("refused")
  void requestsNginxRefusesAreRefusedBeforeAnyStage(String what, String request, int status) throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    long started = System.nanoTime();
    String answer;
    try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
      answer = TargetServerTest.exchange(socket, request);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(answer).as(what).startsWith("HTTP/1.1 " + status + " ");
    assertThat(answer).as("a sentence, not Java internals").doesNotContain("Exception").doesNotContain("io.netty")
        .contains("connection: close");
    assertThat(millis).as("answered at once, not at the idle timeout").isLessThan(30_000);
    if (status == 405) {
      assertThat(answer).contains("allow: GET");
    }
    JsonNode stats = Json.MAPPER.readTree(target.get("/_/stats").body());
    assertThat(stats.get("requests").asLong()).as("no stage saw it").isZero();
    assertThat(stats.get("badRequests").asLong()).isEqualTo(1);
    assertThat(target.get("/after").statusCode()).as("the target still serves").isEqualTo(200);
  }

  @Test
  void http10WithoutHostAndAbsoluteFormAndOptionsStarAreServed() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    for (String request : List.of("GET / HTTP/1.0\r\n\r\n", "GET http://x/a HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", "GET /caf%C3%A9?q=a%20b HTTP/1.1\r\nHost: x\r\n\r\n")) {
      try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
        assertThat(TargetServerTest.exchange(socket, request)).as(request).startsWith("HTTP/1.1 200 ");
      }
    }
  }

  /**
   * Finding 1 of "the target under hostile clients": one connection pipelining requests the target answers
   * itself (here 503s: every backend is down) and reading none of the answers took the target's memory without
   * bound. Now the target stops starting requests and stops reading while the connection's outbound buffer is
   * past its high-water mark (64 KiB), so what it holds for that client stays there.
   */
  @Test
  void aClientThatSendsAndNeverReadsHoldsABoundedOutboundBuffer() throws Exception {
    target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(),
        Upstream.Limits.defaults());
    target.post("/_/backends/b1/kill");
    for (int i = 0; i < 3; i++) {
      target.get("/"); // ejects b1: from now on the load balancer answers 503 itself
    }
    byte[] request = "GET /x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] batch = new byte[request.length * 1000];
    for (int i = 0; i < 1000; i++) {
      System.arraycopy(request, 0, batch, i * request.length, request.length);
    }
    long offered = 16L * 1024 * 1024;
    AtomicLong sent = new AtomicLong();
    try (Socket hostile = new Socket()) {
      hostile.setReceiveBufferSize(4096);
      hostile.connect(new java.net.InetSocketAddress("127.0.0.1", target.server().port()));
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = hostile.getOutputStream();
          while (sent.get() < offered) {
            out.write(batch);
            sent.addAndGet(batch.length);
          }
        } catch (Exception e) {
          // closed at the end of the test
        }
      });
      writer.setDaemon(true);
      writer.start();
      // Until the writer is stuck: the target stopped reading.
      long last = -1;
      for (int i = 0; i < 100 && sent.get() != last; i++) {
        last = sent.get();
        Thread.sleep(200);
      }
      JsonNode stats = Json.MAPPER.readTree(target.get("/_/stats").body());
      long pending = stats.get("connections").get("pendingOutboundBytes").asLong();
      long answered = stats.get("responses").asLong();
      assertThat(sent.get()).as("the target stopped reading a client that does not read").isLessThan(offered);
      assertThat(pending).as("bytes held for the client that does not read").isLessThan(256 * 1024);
      long requestsSent = sent.get() / request.length;
      assertThat(answered).as("answers made of " + requestsSent + " requests sent").isLessThan(requestsSent);
      HttpAssert.served(target);
    }
  }

  private TargetServer capped(int max, String serviceTime) throws Exception {
    io.strategybench.lb.LoadBalancerStage stage = new io.strategybench.lb.LoadBalancerStage(new RoundRobin(), "test",
        List.of(), TestTarget.pool(1, serviceTime), TestTarget.health(), Upstream.Limits.defaults(), 1);
    return new TargetServer(ServerConfig.defaults().withIoThreads(1).withMaxConnections(max), List.of(stage),
        java.util.Map.of("family", "lb", "strategy", "test")).start();
  }

  @Test
  void atTheConnectionCapANewClientTakesThePlaceOfAnIdleOne() throws Exception {
    TargetServer server = capped(3, "const:1ms");
    List<Socket> idle = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) { // a crowd of idle connections, as a slowloris or a leaky pool holds
        Socket s = new Socket("127.0.0.1", server.port());
        idle.add(s);
        Thread.sleep(20);
      }
      try (Socket fresh = new Socket("127.0.0.1", server.port())) {
        assertThat(TargetServerTest.exchange(fresh, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
      }
      Object connections = server.statsDocument().get("connections");
      assertThat(((java.util.Map<?, ?>) connections).get("open")).as(connections.toString()).isIn(2, 3, 4);
      assertThat(((Number) ((java.util.Map<?, ?>) connections).get("idleClosedForNew")).longValue()).isEqualTo(8);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
      server.close();
    }
  }

  @Test
  void pastTheConnectionCapWithEveryConnectionBusyAClientIsAnswered503() throws Exception {
    TargetServer server = capped(3, "const:3s");
    List<Socket> busy = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        busy.add(s);
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (((Number) server.statsDocument().get("requests")).longValue() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20); // until all three are in progress, however slow the machine
      }
      try (Socket fourth = new Socket("127.0.0.1", server.port())) {
        fourth.setSoTimeout(5000);
        String answer = new String(fourth.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 503").contains("most connections");
      }
      for (Socket s : busy) {
        s.setSoTimeout(10_000);
        assertThat(TargetServerTest.readResponses(s.getInputStream(), 1)).as("the busy ones are served")
            .startsWith("HTTP/1.1 200");
      }
      assertThat(server.statsDocument().get("connections").toString()).contains("refused=1");
    } finally {
      for (Socket s : busy) {
        s.close();
      }
      server.close();
    }
  }

  /**
   * Finding 4: out of file descriptors, io_uring retried accepting in a busy loop (2.16 million log lines in
   * 10 s). The cap keeps clients and their backend connections within the descriptor limit, and a cap the limit
   * cannot hold is refused at start with the figures.
   */
  @Test
  void aConnectionCapTheDescriptorLimitCannotHoldIsRefused() {
    long limit = Connections.descriptorLimit();
    org.junit.jupiter.api.Assumptions.assumeTrue(limit > 0, "the platform reports its descriptor limit");
    int fits = Connections.derivedCap();
    assertThat(2L * fits + Connections.RESERVED_DESCRIPTORS).as("the derived cap fits the limit " + limit)
        .isLessThanOrEqualTo(Math.max(limit, 2L * 64 + Connections.RESERVED_DESCRIPTORS));
    assertThat(new Connections(0).cap()).isEqualTo(fits);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Connections(fits + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ulimit -n")
        .hasMessageContaining("at most " + fits);
  }

  /**
   * A head trickled a byte at a time (slowloris) held its connection for as long as each byte came within the
   * idle timeout. Now the head must arrive whole within the header timeout of its first byte: 408, then closed.
   */
  @Test
  void aHeadTrickledPastTheHeaderTimeoutGets408() throws Exception {
    io.strategybench.lb.LoadBalancerStage stage = new io.strategybench.lb.LoadBalancerStage(new RoundRobin(), "test",
        List.of(), TestTarget.pool(1, "const:1ms"), TestTarget.health(), Upstream.Limits.defaults(), 1);
    TargetServer server = new TargetServer(ServerConfig.defaults().withIoThreads(1).withTimeouts(60, 600_000_000L),
        List.of(stage), java.util.Map.of("family", "lb", "strategy", "test")).start();
    try (Socket slow = new Socket("127.0.0.1", server.port())) {
      slow.setSoTimeout(10_000);
      OutputStream out = slow.getOutputStream();
      // A whole request in time is served on the same connection first.
      assertThat(TargetServerTest.exchange(slow, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200");
      long started = System.nanoTime();
      String answer = "";
      byte[] head = "GET /second HTTP/1.1\r\nHost: x\r\nX-Trickle: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(
          StandardCharsets.US_ASCII);
      try {
        for (byte b : head) {
          out.write(b);
          out.flush();
          Thread.sleep(50); // well inside any idle timeout, 1.7 s in all
        }
      } catch (java.io.IOException closed) {
        // the target answered and closed while the head was still coming
      }
      answer = TargetServerTest.readResponses(slow.getInputStream(), 1);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(answer).startsWith("HTTP/1.1 408").contains("did not arrive within 600 ms");
      assertThat(millis).as("answered at the header timeout, not at the idle timeout").isLessThan(30_000);
    } finally {
      server.close();
    }
  }

  /** Whether a fresh, well-behaved client is served. */
  static final class HttpAssert {
    static void served(TestTarget target) throws Exception {
      try (Socket socket = new Socket("127.0.0.1", target.server().port())) {
        socket.setSoTimeout(5000);
        String answer;
        try {
          answer = TargetServerTest.exchange(socket, "GET /_/health HTTP/1.1\r\nHost: x\r\n\r\n");
        } catch (SocketTimeoutException e) {
          answer = "no answer in 5 s";
        }
        assertThat(answer).as("a well-behaved client beside it").startsWith("HTTP/1.1 ");
      }
    }
  }

  static String readAll(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
