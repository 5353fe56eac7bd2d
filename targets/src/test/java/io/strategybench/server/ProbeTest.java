package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finding 5 of "the target under hostile clients": a health probe answered 200 with more than 64 KiB of body
 * marked a healthy backend down (the probe aggregated the body into a 64 KiB buffer). The probe now judges the
 * status line and reads no body; what it answers depends on the status only.
 */
class ProbeTest {
  @ParameterizedTest(name = "{0} with {1} body bytes: up={2}")
  @CsvSource({"200, 0, true", "200, 65536, true", "200, 66000, true", "200, 8388608, true", "204, 0, true",
      "301, 70000, true", "500, 70000, false", "503, 10, false"})
  void aProbeIsJudgedByItsStatusWhateverTheBodySize(int status, int bodyBytes, boolean up) throws Exception {
    try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server = new Thread(() -> {
        try (Socket s = backend.accept()) {
          TargetServerTest.readRequestHead(s.getInputStream());
          OutputStream out = s.getOutputStream();
          out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          byte[] chunk = new byte[8192];
          for (int sent = 0; sent < bodyBytes; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, bodyBytes - sent));
          }
          out.flush();
        } catch (Exception e) {
          // the probe may close before reading the body: that is the point
        }
      });
      server.setDaemon(true);
      server.start();
      Transport transport = Transport.choose("auto");
      EventLoopGroup group = transport.newGroup(1, "probe-test");
      try {
        Upstream upstream = new Upstream(new InetSocketAddress("127.0.0.1", backend.getLocalPort()), transport,
            Upstream.Limits.defaults(), PooledByteBufAllocator.DEFAULT);
        boolean answer = upstream.probe(group.next(), "/health", TimeUnit.SECONDS.toNanos(5)).get(10,
            TimeUnit.SECONDS);
        assertThat(answer).isEqualTo(up);
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }
}
