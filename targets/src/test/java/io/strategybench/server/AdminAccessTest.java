package io.strategybench.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.lb.LoadBalancerStage;
import io.strategybench.lb.RoundRobin;
import io.strategybench.testing.TestTarget;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding 3 of "the target under hostile and unlucky clients": the admin plane had no authentication, shared the
 * traffic port and answered any Origin. Now, on its own listener with a token, nothing on the traffic port
 * reaches it by any path form and nothing on its own port succeeds without the token; on a shared loopback port it
 * refuses browser pages and rebound host names; backends it adds stay on loopback and small.
 */
class AdminAccessTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  private TargetServer server;
  private TestTarget target;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private TargetServer start(AdminAccess access) throws Exception {
    LoadBalancerStage stage = new LoadBalancerStage(new RoundRobin(), "test", List.of(),
        TestTarget.pool(2, "const:1ms"), TestTarget.health(), Upstream.Limits.defaults(), 1);
    server = new TargetServer(ServerConfig.defaults().withIoThreads(1).withAdmin(access), List.of(stage),
        Map.of("family", "lb", "strategy", "test")).start();
    return server;
  }

  private static String send(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return TargetServerTest.exchange(socket, request);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"POST /_/backends/b1/kill", "POST //_/backends/b1/kill", "POST /%5F/backends/b1/kill",
      "POST /%5f/backends/b1/kill", "POST /./_/backends/b1/kill", "POST /x/../_/backends/b1/kill",
      "POST http://127.0.0.1/_/backends/b1/kill", "POST /_%2Fbackends/b1/kill", "POST /_/backends/b1/kill?",
      "POST /_/backends/b1/kill#"})
  void noPathFormOnTheTrafficPortReachesASeparateAdminPlane(String line) throws Exception {
    start(new AdminAccess("127.0.0.1", 0, TOKEN, false));
    assertThat(server.adminPort()).isNotEqualTo(server.port());
    String answer = send(server.port(), line + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assertThat(answer).as("answered by a backend, not the admin plane").contains("x-backend: ")
        .doesNotContain("\"state\"");
    String backends = send(server.adminPort(), "GET /_/backends HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + TOKEN + "\r\n\r\n");
    assertThat(backends).startsWith("HTTP/1.1 200").doesNotContain("\"down\"").doesNotContain("killed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"GET /_/stats", "GET /_/health", "POST /_/reset", "GET /_/backends",
      "POST /_/backends/b1/kill", "POST /_/backends?simulated=true", "DELETE /_/backends/b2",
      "POST /_/backends/b1/fault?action=refuse", "GET /_/nothing"})
  void noAdminActionSucceedsWithoutTheToken(String line) throws Exception {
    start(new AdminAccess("127.0.0.1", 0, TOKEN, false));
    for (String auth : new String[] {"", "Authorization: Bearer wrong-token-wrong-token\r\n",
        "Authorization: Basic " + TOKEN + "\r\n", "Authorization: Bearer " + TOKEN.substring(1) + "\r\n"}) {
      String answer = send(server.adminPort(), line + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
          + "Content-Length: 0\r\n\r\n");
      assertThat(answer).as(line + " with '" + auth.trim() + "'").startsWith("HTTP/1.1 401")
          .contains("www-authenticate: Bearer");
    }
    JsonNode backends = Json.MAPPER.readTree(body(send(server.adminPort(),
        "GET /_/backends HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")));
    assertThat(backends.toString()).as("nothing changed").doesNotContain("killed").contains("b2");
    assertThat(send(server.adminPort(), "GET /_/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
        + "\r\n\r\n")).startsWith("HTTP/1.1 200");
    assertThat(send(server.adminPort(), "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
        + "\r\n\r\n")).as("traffic on the admin listener").startsWith("HTTP/1.1 404");
  }

  @Test
  void onASharedLoopbackPortBrowserPagesAndReboundNamesAreRefused() throws Exception {
    start(AdminAccess.onTrafficPort());
    int port = server.port();
    assertThat(send(port, "POST /_/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
        + "Content-Length: 0\r\n\r\n")).startsWith("HTTP/1.1 403");
    assertThat(send(port, "GET /_/stats HTTP/1.1\r\nHost: evil.example:" + port + "\r\n\r\n"))
        .startsWith("HTTP/1.1 403");
    assertThat(send(port, "GET /_/stats HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");
    assertThat(send(port, "GET /_/stats HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");
    assertThat(send(port, "GET /_/stats HTTP/1.1\r\nHost: [::1]:" + port + "\r\n\r\n")).startsWith("HTTP/1.1 200");
  }

  @Test
  void backendsAddedAtRunTimeStayOnLoopbackAndSmall() throws Exception {
    start(AdminAccess.onTrafficPort());
    String post = " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
    assertThat(send(server.port(), "POST /_/backends?address=192.0.2.10:80" + post)).startsWith("HTTP/1.1 403")
        .contains("--allow-remote-backends");
    assertThat(send(server.port(), "POST /_/backends?simulated=true&response-bytes=67108864" + post))
        .startsWith("HTTP/1.1 400").contains("response-bytes");
    int added = 0;
    String answer = "";
    for (int i = 0; i < 100 && !answer.startsWith("HTTP/1.1 409");
        i++) {
      answer = send(server.port(), "POST /_/backends?simulated=true&response-bytes=16" + post);
      if (answer.startsWith("HTTP/1.1 201")) {
        added++;
      }
    }
    assertThat(answer).startsWith("HTTP/1.1 409").contains("the most it takes");
    assertThat(added + 2).isEqualTo(64);
  }

  @Test
  void aTargetBeyondLoopbackCannotShareItsPortWithAnUnguardedAdminPlane() {
    assertThatThrownBy(() -> ServerConfig.defaults().withHost("0.0.0.0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
    assertThatThrownBy(() -> ServerConfig.defaults().withAdmin(new AdminAccess("0.0.0.0", 0, null, false)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a token");
    assertThat(ServerConfig.defaults().withAdmin(new AdminAccess("127.0.0.1", 0, null, false)).withHost("0.0.0.0")
        .admin().separate()).isTrue();
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }
}
