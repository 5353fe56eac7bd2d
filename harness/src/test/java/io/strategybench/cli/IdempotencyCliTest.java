package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The idempotency family from the command line: listed with its six stores, and bad input named before anything
 * listens: a server nobody runs (with what to install), a TTL out of range, a ledger of the wrong kind, a store
 * that does not exist (with the valid names).
 */
class IdempotencyCliTest {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void listShowsTheFamilyWithItsSixStores() {
    CliRun run = CliRun.of("--plugins-dir", "/nonexistent", "list", "--family", "idempotency");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("idempotency (Idempotency keys)", "none", "in-memory", "redis-setnx",
        "redis-fenced", "postgres-unique", "postgres-recovery-points", "--param lock-ttl-millis=10000");
  }

  @Test
  void badInputIsNamedWithWhatWouldBeRight() throws IOException {
    int port = freePort();
    CliRun redis = CliRun.of("serve", "--stage", "idempotency:redis-setnx", "-p", "url=redis://127.0.0.1:" + port,
        "--port", "0");
    assertThat(redis.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(redis.err()).contains("redis://127.0.0.1:" + port, "apt-get install redis-server");
    CliRun postgres = CliRun.of("serve", "--stage", "idempotency:postgres-unique", "-p",
        "url=jdbc:postgresql://127.0.0.1:" + port + "/orders", "--port", "0");
    assertThat(postgres.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(postgres.err()).contains("jdbc:postgresql://127.0.0.1:" + port, "apt-get install postgresql");
    CliRun ttl = CliRun.of("serve", "--stage", "idempotency:in-memory", "-p", "ttl-seconds=0", "--port", "0");
    assertThat(ttl.status()).isEqualTo(Bench.EXIT_USAGE);
    assertThat(ttl.err()).contains("'ttl-seconds'", "1..31536000", "got 0");
    CliRun ledger = CliRun.of("serve", "--stage", "idempotency:in-memory", "--ledger", "mysql://x", "--port", "0");
    assertThat(ledger.err()).contains("--ledger must be memory or a Redis URI");
    CliRun unknown = CliRun.of("serve", "--stage", "idempotency:in-memorx", "--port", "0");
    assertThat(unknown.err()).contains("unknown idempotency strategy 'in-memorx'", "redis-fenced", "postgres-unique");
  }
}
