package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy path on every transport this machine has: the server, the upstream pools and the simulated backends. */
class TransportsTest {

  @ParameterizedTest
  @ValueSource(strings = {"epoll", "io_uring", "nio"})
  void proxiesOnEveryAvailableTransport(String name) throws Exception {
    assumeTrue(!name.equals("epoll") || Epoll.isAvailable(), "epoll is not available here");
    assumeTrue(!name.equals("io_uring") || IoUring.isAvailable(), "io_uring is not available here");
    try (TestTarget target = TestTarget.start(new RoundRobin(), List.of(), TestTarget.pool(3, "const:1ms"),
        TestTarget.health(), Upstream.Limits.defaults(), name)) {
      assertThat(target.server().transport().name().toLowerCase()).isEqualTo(name);
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> response = target.get("/" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(1024);
      }
      HttpResponse<String> posted = TestTarget.CLIENT.send(HttpRequest.newBuilder(target.uri("/upload"))
          .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(200);
      assertThat(target.post("/_/backends/b1/kill").statusCode()).isEqualTo(200);
      for (int i = 0; i < 10; i++) {
        assertThat(target.get("/").statusCode()).isEqualTo(200);
      }
    }
  }
}
