package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.lb.BackendAddress;
import io.strategybench.lb.HealthPolicy;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Findings 2 and 8 of "the target under hostile and unlucky clients": the response timeout covered the whole
 * body (a long download to a reading client was cut), a client that did not read its download ran into it and
 * counted as the backend's failure (six such clients ejected every healthy backend), and any number of backends
 * could be ejected at once. Now the timeout runs between reads and not while the client is not reading, and
 * passive health ejects at most its maximum share of the backends.
 */
class SlowReadersTest {
  private TestTarget target;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (target != null) {
      target.close();
    }
  }

  /** A backend that answers every request with {@code pieces} pieces of {@code pieceBytes}, {@code gapMillis} apart. */
  private ServerSocket backend(int pieces, int pieceBytes, long gapMillis) throws Exception {
    ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket s = backend.accept();
          Thread serve = new Thread(() -> {
            try (s) {
              while (true) {
                TargetServerTest.readRequestHead(s.getInputStream()); // EOFException at the end: done
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (long) pieces * pieceBytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                byte[] piece = new byte[pieceBytes];
                for (int i = 0; i < pieces; i++) {
                  out.write(piece);
                  out.flush();
                  if (gapMillis > 0) {
                    Thread.sleep(gapMillis);
                  }
                }
              }
            } catch (Exception e) {
              // the target closed the connection
            }
          });
          serve.setDaemon(true);
          serve.start();
        }
      } catch (Exception closed) {
        // test over
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    return backend;
  }

  @Test
  void aLongBodyThatKeepsComingIsNotCutByTheResponseTimeout() throws Exception {
    try (ServerSocket slow = backend(15, 16 * 1024, 100)) { // 1.5 s in all, never 800 ms without a byte
      Upstream.Limits limits = new Upstream.Limits(500, TimeUnit.MILLISECONDS.toNanos(800), 16, 16);
      target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", slow.getLocalPort(), 1)),
          List.of(), TestTarget.health(), limits);
      long started = System.nanoTime();
      var response = target.get("/download");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).hasSize(15 * 16 * 1024);
      assertThat(millis).as("longer than the timeout in all").isGreaterThan(800);
    }
  }

  @Test
  void clientsThatDoNotReadTheirDownloadsDoNotEjectHealthyBackends() throws Exception {
    try (ServerSocket big = backend(64, 1024 * 1024, 0); ServerSocket big2 = backend(64, 1024 * 1024, 0)) {
      Upstream.Limits limits = new Upstream.Limits(500, TimeUnit.MILLISECONDS.toNanos(300), 64, 16);
      target = TestTarget.start(new RoundRobin(), List.of(new BackendAddress("127.0.0.1", big.getLocalPort(), 1),
          new BackendAddress("127.0.0.1", big2.getLocalPort(), 1)), List.of(), TestTarget.health(), limits);
      for (int i = 0; i < 6; i++) {
        Socket stalled = new Socket();
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new InetSocketAddress("127.0.0.1", target.server().port()));
        stalled.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        stalled.getInputStream().read(new byte[16]); // the download has started; now read no more
        sockets.add(stalled);
      }
      Thread.sleep(1500); // five timeouts' worth
      JsonNode lb = Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("lb");
      assertThat(lb.get("timeouts").asLong()).as("timeouts counted against the backends").isZero();
      for (JsonNode backend : lb.get("backends")) {
        assertThat(backend.get("ejections").asLong()).as(backend.toString()).isZero();
      }
      try (Socket reader = new Socket("127.0.0.1", target.server().port())) {
        reader.setSoTimeout(10_000);
        reader.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = reader.getInputStream().readNBytes(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).as("a reading client beside them")
            .isEqualTo("HTTP/1.1 200");
      }
    }
  }

  @Test
  void passiveHealthEjectsAtMostItsMaximumShareOfTheBackends() throws Exception {
    HealthPolicy capped = new HealthPolicy(3, TimeUnit.SECONDS.toNanos(60), true, 0,
        TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 2, 0, HealthPolicy.DEFAULT_MAX_EJECTION_SHARE);
    target = TestTarget.start(new RoundRobin(), List.of(),
        TestTarget.pool(2, "const:1ms", "b1@0s:error=500", "b2@0s:error=500"), capped, Upstream.Limits.defaults());
    Thread.sleep(100); // the faults apply at once
    int served500 = 0;
    for (int i = 0; i < 12; i++) {
      if (target.get("/").statusCode() == 500) {
        served500++;
      }
    }
    JsonNode lb = Json.MAPPER.readTree(target.get("/_/stats").body()).get("stages").get("lb");
    int ejected = 0;
    long refused = 0;
    for (JsonNode backend : lb.get("backends")) {
      ejected += backend.get("ejections").asLong() > 0 ? 1 : 0;
      refused += backend.get("ejectionsRefused").asLong();
    }
    assertThat(ejected).as("one of two backends at most (10%%, at least one)").isEqualTo(1);
    assertThat(refused).as("the other's ejections were counted, not acted on").isPositive();
    assertThat(served500).as("requests still reach a backend: its 500s, not the balancer's 503s").isEqualTo(12);
  }
}
