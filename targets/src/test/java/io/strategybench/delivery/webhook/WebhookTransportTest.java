package io.strategybench.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.delivery.Event;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real sender ({@link NettyWebhookTransport} under a {@link WebhookDispatcher} on real time) against a real
 * {@link WebhookReceiverServer} over loopback: signatures verify, a failing or slow endpoint gets its retries, a
 * receiver that goes away and comes back loses nothing uncounted, duplicates are deduplicated. No assertion is on
 * elapsed time: each test waits for the dispatcher to settle (generous timeouts) and checks counts.
 */
class WebhookTransportTest {
  private static final String SECRET = WebhookSignature.newSecret(new SplittableRandom(11));
  private static final long SETTLE_SECONDS = 60;

  private WebhookReceiverServer receiver;
  private NettyWebhookTransport transport;

  @BeforeEach
  void start() throws Exception {
    receiver = WebhookReceiverServer.start(SECRET, 0);
    transport = new NettyWebhookTransport(4, 2_000);
  }

  @AfterEach
  void stop() {
    transport.close();
    receiver.close();
  }

  private WebhookDispatcher dispatcher(int maxAttempts, long timeoutMillis) {
    WebhookSubscription sub = WebhookSubscription.of("r", receiver.url().toString(), SECRET, true);
    return new WebhookDispatcher(List.of(sub), transport, new ExecutorTimer(transport.group().next()),
        WebhookDispatcher.Config.of(new RetryPolicy(maxAttempts, 20, 2, 200, 0)).withTimeoutMillis(timeoutMillis)
            .withBounds(4, 10_000).withAttemptRecords(true), new SplittableRandom(5));
  }

  private static Event event(long seq) {
    return new Event(Long.toString(seq), seq, Event.nowMicros(), "event " + seq);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private Map<String, String> signedHeaders(String secret, String msgId, byte[] body) {
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(WebhookSignature.ID_HEADER, msgId);
    headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now));
    headers.put(WebhookSignature.SIGNATURE_HEADER, new WebhookSignature(secret).sign(msgId, now, body));
    return headers;
  }

  @Test
  void everyEventArrivesOnceWithAVerifiedSignature() throws Exception {
    WebhookDispatcher dispatcher = dispatcher(3, 30_000);
    for (int i = 1; i <= 50; i++) {
      dispatcher.publish(event(i));
    }
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(dispatcher.stats()).containsEntry("delivered", 50L).containsEntry("deadLettered", 0L)
        .containsEntry("attempts", 50L);
    assertThat(receiver.stats()).containsEntry("received", 50L).containsEntry("delivered", 50L)
        .containsEntry("rejectedSignatures", 0L).containsEntry("duplicates", 0L);
    assertThat(receiver.seqs()).isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(receiver.latencyMicros().getIntervalHistogram().getTotalCount()).isEqualTo(50);
  }

  @Test
  void aWrongSignatureGets401WithTheReasonAndIsNotRetried() throws Exception {
    byte[] body = WebhookPayload.encode(event(1));
    String other = WebhookSignature.newSecret(new SplittableRandom(12));
    WebhookResponse response = transport.post(receiver.url(), signedHeaders(other, "msg_1", body), body, 5_000)
        .toCompletableFuture().get(SETTLE_SECONDS, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.detail()).startsWith("no signature matches");
    assertThat(receiver.stats()).containsEntry("rejectedSignatures", 1L).containsEntry("delivered", 0L);

    WebhookDispatcher wrong = new WebhookDispatcher(List.of(new WebhookSubscription("w", receiver.url(), other)),
        transport, new ExecutorTimer(transport.group().next()),
        WebhookDispatcher.Config.of(new RetryPolicy(5, 20, 2, 200, 0)), new SplittableRandom(5));
    wrong.publish(event(2));
    assertThat(wrong.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(wrong.stats()).containsEntry("attempts", 1L).containsEntry("deadLettered", 1L);
    assertThat(wrong.deadLetters().entries().get(0).reason()).startsWith("HTTP 401");
  }

  @Test
  void a500ThenA200DeliversOnce() throws Exception {
    receiver.failNext(1);
    WebhookDispatcher dispatcher = dispatcher(5, 30_000);
    dispatcher.publish(event(1));
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(dispatcher.attemptRecords()).extracting(WebhookDispatcher.AttemptRecord::result)
        .containsExactly("HTTP 500", "HTTP 200");
    assertThat(dispatcher.stats()).containsEntry("delivered", 1L).containsEntry("retries", 1L);
    assertThat(receiver.stats()).containsEntry("received", 2L).containsEntry("delivered", 1L)
        .containsEntry("misbehaved", 1L).containsEntry("duplicates", 0L);
  }

  @Test
  void anAnswerHeldPastTheTimeoutIsRetriedAndTheRetryCountedAsADuplicate() throws Exception {
    receiver.holdNext(1);
    WebhookDispatcher dispatcher = dispatcher(10, 1_000);
    dispatcher.publish(event(1));
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    // on a loaded machine a retry may time out too: the count of attempts is not pinned, their shape is
    List<WebhookDispatcher.AttemptRecord> records = dispatcher.attemptRecords();
    assertThat(records.get(0).result()).isEqualTo("timeout (no answer within 1000 ms)");
    assertThat(records.get(records.size() - 1).result()).isEqualTo("HTTP 200");
    assertThat(records).hasSizeGreaterThanOrEqualTo(2);
    assertThat(dispatcher.stats()).containsEntry("delivered", 1L).containsEntry("deadLettered", 0L);
    long received = receiver.stats().get("received");
    assertThat(received).isBetween(2L, (long) records.size());
    assertThat(receiver.stats()).containsEntry("delivered", 1L).containsEntry("duplicates", received - 1);
    assertThat(receiver.seqs()).containsExactly(1L);
  }

  @Test
  void aThrottledRetryWaitsForRetryAfter() throws Exception {
    receiver.throttle(1);
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(WebhookSubscription.of("r",
        receiver.url().toString(), SECRET, true)), transport, new ExecutorTimer(transport.group().next()),
        WebhookDispatcher.Config.of(new RetryPolicy(5, 20, 2, 5_000, 0)).withAttemptRecords(true),
        new SplittableRandom(5));
    dispatcher.publish(event(1));
    await("the first attempt's result", () -> !dispatcher.attemptRecords().isEmpty());
    receiver.throttle(0);
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    WebhookDispatcher.AttemptRecord first = dispatcher.attemptRecords().get(0);
    assertThat(first.result()).isEqualTo("HTTP 429 (Retry-After: 1)");
    assertThat(first.nextDelayMillis()).isEqualTo(1_000);
    assertThat(dispatcher.stats()).containsEntry("delivered", 1L);
  }

  @Test
  void a410DisablesTheSubscription() throws Exception {
    receiver.gone(true);
    WebhookDispatcher dispatcher = dispatcher(5, 30_000);
    dispatcher.publish(event(1));
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    dispatcher.publish(event(2));
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(dispatcher.isEnabled("r")).isFalse();
    assertThat(dispatcher.deadLetters().entries()).extracting(DeadLetterQueue.Entry::attempts).containsExactly(1, 0);
    assertThat(receiver.stats()).containsEntry("received", 1L);
  }

  @Test
  void aReceiverAwayThenBackLosesNothingUncounted() throws Exception {
    receiver.away();
    WebhookDispatcher dispatcher = dispatcher(60, 30_000);
    int events = 20;
    for (int i = 1; i <= events; i++) {
      dispatcher.publish(event(i));
    }
    await("every event refused once", () -> dispatcher.stats().get("attempts") >= events);
    receiver.back();
    assertThat(dispatcher.awaitSettled(SETTLE_SECONDS, TimeUnit.SECONDS)).isTrue();
    Map<String, Long> stats = dispatcher.stats();
    assertThat(stats.get("delivered") + stats.get("deadLettered")).isEqualTo(events);
    assertThat(receiver.stats().get("delivered")).isEqualTo(stats.get("delivered"));
    assertThat(dispatcher.attemptRecords()).anyMatch(r -> r.result().startsWith("connection refused"));
    Set<Long> expected = new HashSet<>(LongStream.rangeClosed(1, events).boxed().toList());
    dispatcher.deadLetters().entries().forEach(d -> expected.remove(d.seq()));
    assertThat(new HashSet<>(receiver.seqs())).isEqualTo(expected);
  }

  @Test
  void theSameMessageTwiceIsDeliveredOnceAndCountedAsADuplicate() throws Exception {
    byte[] body = WebhookPayload.encode(event(9));
    for (int i = 0; i < 2; i++) {
      WebhookResponse response = transport.post(receiver.url(), signedHeaders(SECRET, "msg_9", body), body, 5_000)
          .toCompletableFuture().get(SETTLE_SECONDS, TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.detail()).isEqualTo(i == 0 ? "ok" : "duplicate");
    }
    assertThat(receiver.stats()).containsEntry("received", 2L).containsEntry("delivered", 1L)
        .containsEntry("duplicates", 1L);
  }

  @Test
  void aClosedPortIsARefusedConnectionNotAnException() throws Exception {
    receiver.away();
    byte[] body = WebhookPayload.encode(event(1));
    WebhookResponse response = transport.post(URI.create("http://127.0.0.1:" + receiver.port() + "/x"),
        signedHeaders(SECRET, "msg_1", body), body, 5_000).toCompletableFuture().get(SETTLE_SECONDS, TimeUnit.SECONDS);
    assertThat(response.failure()).isEqualTo(WebhookResponse.Failure.CONNECTION_REFUSED);
    assertThat(transport.post(URI.create("https://127.0.0.1/x"), Map.of(), body, 5_000).toCompletableFuture()
        .get(SETTLE_SECONDS, TimeUnit.SECONDS).failure()).isEqualTo(WebhookResponse.Failure.NOT_SENT);
  }
}
