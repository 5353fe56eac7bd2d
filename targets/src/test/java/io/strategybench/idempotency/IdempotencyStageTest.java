package io.strategybench.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.server.ServerConfig;
import io.strategybench.server.TargetServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order endpoint over HTTP (the order handler works 1 s), as a client meets it: 201 then the replay byte for byte with
 * {@code Idempotent-Replayed: true}; 409 while the key's first request runs; 422 for the key with another body;
 * 400 for a missing or over-long key; 405 for other methods; the server keeps serving after each.
 */
class IdempotencyStageTest {
  private final MemoryLedger ledger = new MemoryLedger();
  private TargetServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final InMemoryStore store = new InMemoryStore();

  @BeforeEach
  void start() throws Exception {
    IdempotencyStage stage = new IdempotencyStage(store, "in-memory",
        new LedgerEffect(ledger, 1_000_000_000L), IdempotencyStage.Config.defaults());
    server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "idempotency", "strategy", "in-memory")).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpRequest.Builder post(String key, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/orders"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    return key == null ? b : b.header("Idempotency-Key", key);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFirstRequestCreatesTheOrderAndARetryReplaysItByteForByte() throws Exception {
    HttpResponse<String> first = send(post("order-1", "{\"item\":\"book\"}"));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.body()).startsWith("{\"order\":").contains("\"key\":\"order-1\"");
    assertThat(first.headers().firstValue(IdempotencyStage.REPLAYED_HEADER)).isEmpty();
    HttpResponse<String> retry = send(post("order-1", "{\"item\":\"book\"}"));
    assertThat(retry.statusCode()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue(IdempotencyStage.REPLAYED_HEADER)).contains("true");
    assertThat(ledger.effects("order-1")).isEqualTo(1);
    // the draft's form: a structured-field string in quotes names the same key
    assertThat(send(post("\"order-1\"", "{\"item\":\"book\"}")).body()).isEqualTo(first.body());
  }

  @Test
  void whileTheFirstRunsTheSecondGets409AndTheKeyWithAnotherBody422() throws Exception {
    CompletableFuture<HttpResponse<String>> first = http.sendAsync(post("order-2", "{\"item\":\"pen\"}").build(),
        HttpResponse.BodyHandlers.ofString());
    while (!store.stats().get("keys").equals(1)) { // until the first holds its key; its work takes 1 s
      Thread.sleep(5);
    }
    HttpResponse<String> during = send(post("order-2", "{\"item\":\"pen\"}"));
    assertThat(during.statusCode()).isEqualTo(409);
    assertThat(during.headers().firstValue("Retry-After")).contains("1");
    assertThat(first.get().statusCode()).isEqualTo(201);
    HttpResponse<String> other = send(post("order-2", "{\"item\":\"ink\"}"));
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(ledger.effects("order-2")).isEqualTo(1);
  }

  @Test
  void aMissingOrOverLongKeyIs400AndOtherMethods405AndTheServerKeepsServing() throws Exception {
    HttpResponse<String> missing = send(post(null, "{}"));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("Idempotency-Key header is required");
    HttpResponse<String> longKey = send(post("k".repeat(256), "{}"));
    assertThat(longKey.statusCode()).isEqualTo(400);
    assertThat(longKey.body()).contains("256 characters").contains("at most 255");
    assertThat(send(post("k".repeat(255), "{}")).statusCode()).isEqualTo(201);
    HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/orders")).timeout(Duration.ofSeconds(10)).GET());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).contains("POST, PATCH");
    assertThat(send(post("after", "{}")).statusCode()).isEqualTo(201);
    assertThat(ledger.counts()).isEqualTo(new OrderLedger.Counts(2, 2, 0, 0));
  }
}
