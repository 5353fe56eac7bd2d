package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The delivery family from the command line: listed with its five channels and three fan-outs; a simulation's table;
 * bad input named before anything listens: an unknown channel (with the valid names), an unknown fan-out, a Redis
 * nobody runs (with what to install), a parameter out of range.
 */
class DeliveryCliTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void listShowsTheChannelsAndTheFanouts() {
    CliRun run = CliRun.of("--plugins-dir", "/nonexistent", "list", "--family", "delivery");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("delivery (Real-time delivery)", "short-poll", "long-poll", "sse", "websocket",
        "webhook", "--param interval-millis=1000", "--param max-attempts=8", "local", "redis-pubsub",
        "redis-streams");
  }

  @Test
  void simulateMeetsTheShortPollOracleInItsTable() throws Exception {
    CliRun run = CliRun.of("simulate", "delivery", "--strategy", "short-poll", "--fanout", "local", "--subscribers",
        "50", "--rate", "5", "--duration", "200s", "--delay", "0ms", "--json");
    assertThat(run.status()).as(run.err()).isZero();
    // staleness uniform on [0, 1 s]: median near 500 ms; 50 subscribers / 1 s = 50 requests a second
    assertThat(run.out()).contains("\"channel\" : \"short-poll\"");
    java.util.Map<?, ?> doc = io.strategybench.server.Json.MAPPER.readValue(run.out(), java.util.Map.class);
    java.util.Map<?, ?> row = (java.util.Map<?, ?>) ((java.util.List<?>) doc.get("results")).get(0);
    assertThat(((Number) row.get("stalenessP50Millis")).doubleValue()).isBetween(450.0, 550.0);
    assertThat(((Number) row.get("requestsPerSecond")).doubleValue()).isBetween(49.0, 51.0);
  }

  @Test
  void badInputIsNamedWithWhatWouldBeRight() throws IOException {
    CliRun unknown = CliRun.of("serve", "--stage", "delivery:sse-stream", "--port", "0");
    assertThat(unknown.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(unknown.err()).contains("unknown delivery strategy 'sse-stream'", "long-poll", "websocket", "webhook");
    CliRun fanout = CliRun.of("serve", "--stage", "delivery:sse", "--fanout", "kafka", "--port", "0");
    assertThat(fanout.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(fanout.err()).contains("unknown fan-out 'kafka'", "local, redis-pubsub, redis-streams");
    int port = freePort();
    CliRun redis = CliRun.of("serve", "--stage", "delivery:sse", "--fanout", "redis-streams", "--fanout-redis",
        "redis://127.0.0.1:" + port, "--port", "0");
    assertThat(redis.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(redis.err()).contains("redis://127.0.0.1:" + port, "apt-get install redis-server");
    CliRun range = CliRun.of("serve", "--stage", "delivery:long-poll", "-p", "timeout-millis=0", "--port", "0");
    assertThat(range.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(range.err()).contains("'timeout-millis'", "got 0");
    CliRun simulateFanout = CliRun.of("simulate", "delivery", "--fanout", "rabbit");
    assertThat(simulateFanout.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(simulateFanout.err()).contains("unknown fan-out 'rabbit'");
  }
}
