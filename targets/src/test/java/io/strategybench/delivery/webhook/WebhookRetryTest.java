package io.strategybench.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.delivery.Event;
import io.strategybench.delivery.webhook.RetryPolicy.Outcome;
import io.strategybench.delivery.webhook.ScriptedTransport.Answer;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher and its retry policy on virtual time: exact attempt times for scripted failure patterns (worked out
 * by hand in each test), the jittered waits against an independent draw of the same seed, the 410 and queue-full
 * dead letters, and a property over 200 seeded random patterns: every delivery settles exactly once, none is
 * delivered twice, and where no endpoint is disabled each delivery's fate matches an independent walk of its
 * script.
 */
class WebhookRetryTest {
  private static final long START = 1_700_000_000_000L; // virtual epoch millis
  private static final long TIMEOUT = 5_000;

  private static WebhookSubscription sub(String id, int port) {
    return new WebhookSubscription(id, URI.create("http://127.0.0.1:" + port + "/hook"),
        WebhookSignature.newSecret(new SplittableRandom(port)));
  }

  private static Event event(long seq) {
    return new Event(Long.toString(seq), seq, START * 1000 + seq, "payload " + seq);
  }

  private static WebhookDispatcher.Config config(RetryPolicy policy) {
    return WebhookDispatcher.Config.of(policy).withTimeoutMillis(TIMEOUT).withAttemptRecords(true);
  }

  private static List<Long> sentTimes(WebhookDispatcher dispatcher, String sub, String eventId) {
    return dispatcher.attemptRecords().stream().filter(r -> r.subscriptionId().equals(sub)
        && r.eventId().equals(eventId)).map(r -> r.sentAtMillis() - START).collect(Collectors.toList());
  }

  @Test
  void aFailurePatternGivesExactAttemptTimesAndFreshSignaturesUnderOneId() throws Exception {
    VirtualTimer timer = new VirtualTimer(START);
    List<Answer> pattern = List.of(ScriptedTransport.status(500), ScriptedTransport.timeout(TIMEOUT),
        new Answer(WebhookResponse.of(429, "7"), 0), ScriptedTransport.status(200));
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> pattern.get(attempt - 1));
    WebhookSubscription a = sub("a", 9001);
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(a), transport, timer,
        config(new RetryPolicy(8, 1000, 2, 60_000, 0)), new SplittableRandom(1));
    dispatcher.publish(event(1));
    timer.runUntilIdle();
    // attempt 1 at 0 -> 500; wait 1000 -> attempt 2 at 1000 -> times out at 6000; wait 2000 -> attempt 3 at 8000
    // -> 429 Retry-After 7 s beats the backoff of 4000; wait 7000 -> attempt 4 at 15000 -> 200
    assertThat(sentTimes(dispatcher, "a", "1")).containsExactly(0L, 1000L, 8000L, 15000L);
    assertThat(dispatcher.attemptRecords()).extracting(WebhookDispatcher.AttemptRecord::outcome)
        .containsExactly(Outcome.RETRY, Outcome.RETRY, Outcome.RETRY, Outcome.DELIVERED);
    assertThat(dispatcher.attemptRecords()).extracting(WebhookDispatcher.AttemptRecord::nextDelayMillis)
        .containsExactly(1000L, 2000L, 7000L, 0L);
    assertThat(dispatcher.stats()).containsEntry("published", 1L).containsEntry("delivered", 1L)
        .containsEntry("deadLettered", 0L).containsEntry("attempts", 4L).containsEntry("retries", 3L)
        .containsEntry("inFlight", 0L);
    WebhookSignature verifier = new WebhookSignature(a.secret());
    for (ScriptedTransport.Sent s : transport.sent) {
      assertThat(s.headers()).containsEntry(WebhookSignature.ID_HEADER, "msg_1")
          .containsEntry(WebhookSignature.TIMESTAMP_HEADER, Long.toString(s.atMillis() / 1000));
      assertThat(s.body()).isEqualTo(WebhookPayload.encode(event(1)));
      verifier.verify(s.headers()::get, s.body(), s.atMillis() / 1000);
    }
    assertThat(transport.sent).extracting(s -> s.headers().get(WebhookSignature.SIGNATURE_HEADER))
        .doesNotHaveDuplicates();
  }

  @Test
  void aRetryAfterHttpDateIsReadAgainstTheSenderClockAndCutToTheMaxDelay() {
    long now = START;
    String in9s = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(now + 9_000).atZone(ZoneOffset.UTC));
    RetryPolicy policy = new RetryPolicy(5, 1000, 2, 8_000, 0);
    SplittableRandom random = new SplittableRandom(1);
    assertThat(policy.decide(WebhookResponse.of(429, in9s), 1, now, random).delayMillis()).isEqualTo(8_000);
    assertThat(new RetryPolicy(5, 1000, 2, 60_000, 0).decide(WebhookResponse.of(429, in9s), 1, now, random)
        .delayMillis()).isEqualTo(9_000);
    assertThat(policy.decide(WebhookResponse.of(429, "3"), 2, now, random).delayMillis()).isEqualTo(3_000);
    assertThat(policy.decide(WebhookResponse.of(429, "1"), 3, now, random).delayMillis()).isEqualTo(4_000);
    assertThat(policy.decide(WebhookResponse.of(429, "soon"), 1, now, random).delayMillis()).isEqualTo(1_000);
    assertThat(policy.decide(WebhookResponse.of(503, "30"), 1, now, random).delayMillis())
        .as("Retry-After is honoured on 429 only").isEqualTo(1_000);
  }

  @Test
  void a400IsDeadLetteredAfterOneAttempt() {
    VirtualTimer timer = new VirtualTimer(START);
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> ScriptedTransport.status(400));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001)), transport, timer,
        config(new RetryPolicy(8, 1000, 2, 60_000, 0)), new SplittableRandom(1));
    dispatcher.publish(event(1));
    timer.runUntilIdle();
    assertThat(transport.sent).hasSize(1);
    assertThat(dispatcher.deadLetters().entries()).containsExactly(new DeadLetterQueue.Entry("a", "1", 1, 1,
        "HTTP 400: not retried (only 429, 5xx, timeouts and connection failures are)", START));
    assertThat(dispatcher.stats()).containsEntry("delivered", 0L).containsEntry("deadLettered", 1L)
        .containsEntry("retries", 0L);
  }

  @Test
  void a410DisablesTheEndpointAndDeadLettersThisAndEveryLaterEventForIt() {
    VirtualTimer timer = new VirtualTimer(START);
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) ->
        ScriptedTransport.status(url.getPort() == 9002 ? 410 : 200));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001), sub("gone", 9002)), transport, timer,
        config(new RetryPolicy(8, 1000, 2, 60_000, 0)), new SplittableRandom(1));
    dispatcher.publish(event(1));
    timer.runUntilIdle();
    assertThat(dispatcher.isEnabled("gone")).isFalse();
    assertThat(dispatcher.isEnabled("a")).isTrue();
    dispatcher.publish(event(2));
    dispatcher.publish(event(3));
    timer.runUntilIdle();
    assertThat(transport.sent.stream().filter(s -> s.url().getPort() == 9002)).hasSize(1);
    assertThat(dispatcher.deadLetters().entries()).containsExactly(
        new DeadLetterQueue.Entry("gone", "1", 1, 1, "endpoint disabled: 410 Gone", START),
        new DeadLetterQueue.Entry("gone", "2", 2, 0, "endpoint disabled: 410 Gone", START),
        new DeadLetterQueue.Entry("gone", "3", 3, 0, "endpoint disabled: 410 Gone", START));
    assertThat(dispatcher.stats()).containsEntry("published", 3L).containsEntry("deliveries", 6L)
        .containsEntry("delivered", 3L).containsEntry("deadLettered", 3L).containsEntry("disabledEndpoints", 1L);
  }

  @Test
  void a410WhileOthersWaitToRetryDeadLettersThemWhenTheirTimeComes() {
    VirtualTimer timer = new VirtualTimer(START);
    // event 1 fails once (500), then event 2's first attempt gets 410: event 1's retry must not be sent
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> id.equals("msg_1")
        ? ScriptedTransport.status(500) : new Answer(WebhookResponse.of(410), 100));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001)), transport, timer,
        config(new RetryPolicy(8, 1000, 2, 60_000, 0)), new SplittableRandom(1));
    dispatcher.publish(event(1));
    dispatcher.publish(event(2));
    timer.runUntilIdle();
    assertThat(transport.sent).hasSize(2);
    assertThat(dispatcher.deadLetters().entries()).containsExactly(
        new DeadLetterQueue.Entry("a", "2", 2, 1, "endpoint disabled: 410 Gone", START + 100),
        new DeadLetterQueue.Entry("a", "1", 1, 1, "endpoint disabled: 410 Gone", START + 1000));
  }

  @Test
  void allFailuresAreDeadLetteredAfterExactlyMaxAttemptsAtExactTimes() {
    VirtualTimer timer = new VirtualTimer(START);
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> ScriptedTransport.status(
        attempt % 2 == 0 ? 503 : 500));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001)), transport, timer,
        config(new RetryPolicy(6, 1000, 2, 5_000, 0)), new SplittableRandom(1));
    dispatcher.publish(event(1));
    timer.runUntilIdle();
    // waits 1000, 2000, 4000, then capped at 5000 twice: 0, 1000, 3000, 7000, 12000, 17000
    assertThat(sentTimes(dispatcher, "a", "1")).containsExactly(0L, 1000L, 3000L, 7000L, 12000L, 17000L);
    assertThat(dispatcher.deadLetters().entries()).containsExactly(new DeadLetterQueue.Entry("a", "1", 1, 6,
        "HTTP 503 on the last of 6 attempts", START + 17000));
    assertThat(dispatcher.stats()).containsEntry("attempts", 6L).containsEntry("retries", 5L)
        .containsEntry("deadLettered", 1L).containsEntry("inFlight", 0L);
  }

  @Test
  void jitteredWaitsMatchAnIndependentDrawAndStayWithinTheirBounds() {
    double jitter = 0.5;
    RetryPolicy policy = new RetryPolicy(10, 1000, 2, 60_000, jitter);
    VirtualTimer timer = new VirtualTimer(START);
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> ScriptedTransport.status(500));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001)), transport, timer, config(policy),
        new SplittableRandom(99));
    dispatcher.publish(event(1));
    timer.runUntilIdle();
    List<Long> times = sentTimes(dispatcher, "a", "1");
    assertThat(times).hasSize(10);
    SplittableRandom oracle = new SplittableRandom(99);
    long base = 1000;
    for (int i = 1; i < times.size(); i++) {
      long wait = times.get(i) - times.get(i - 1);
      long expected = (long) Math.floor(base * (1 - jitter * oracle.nextDouble()));
      assertThat(wait).as("wait %d", i).isEqualTo(expected)
          .isBetween((long) Math.floor(base * (1 - jitter)), base);
      base = Math.min(60_000, base * 2);
    }
  }

  @Test
  void aFullQueueDeadLettersNewEventsBeyondTheBound() {
    VirtualTimer timer = new VirtualTimer(START);
    ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> new Answer(
        WebhookResponse.of(200), 1000));
    WebhookDispatcher dispatcher = new WebhookDispatcher(List.of(sub("a", 9001)), transport, timer,
        config(new RetryPolicy(3, 1000, 2, 60_000, 0)).withBounds(1, 3), new SplittableRandom(1));
    for (int i = 1; i <= 5; i++) {
      dispatcher.publish(event(i));
    }
    assertThat(dispatcher.stats()).containsEntry("sending", 1L).containsEntry("inFlight", 3L)
        .containsEntry("deadLettered", 2L);
    timer.runUntilIdle();
    assertThat(transport.sent).extracting(s -> s.atMillis() - START).containsExactly(0L, 1000L, 2000L);
    assertThat(dispatcher.deadLetters().entries()).extracting(DeadLetterQueue.Entry::eventId,
        DeadLetterQueue.Entry::reason).containsExactly(org.assertj.core.groups.Tuple.tuple("4", "queue full"),
        org.assertj.core.groups.Tuple.tuple("5", "queue full"));
    assertThat(dispatcher.stats()).containsEntry("delivered", 3L).containsEntry("inFlight", 0L);
  }

  private static final int[] KINDS = {200, 200, 500, 503, 429, 400, 0, -1, 410};

  @Test
  void overRandomFailurePatternsEveryDeliverySettlesOnceAndMatchesAnIndependentWalk() {
    for (int run = 0; run < 200; run++) {
      long seed = 7_000 + run;
      SplittableRandom shape = new SplittableRandom(seed);
      int subscriptions = 1 + shape.nextInt(3);
      int events = 1 + shape.nextInt(20);
      int maxAttempts = 1 + shape.nextInt(6);
      boolean allow410 = shape.nextBoolean();
      RetryPolicy policy = new RetryPolicy(maxAttempts, 100, 2, 2_000, shape.nextBoolean() ? 0 : 0.3);
      // the answer to (endpoint, message, attempt) is a pure function of the seed, so the oracle can replay it
      java.util.function.BiFunction<String, Integer, Integer> kindOf = (key, attempt) -> {
        int k = KINDS[new SplittableRandom(seed * 31 + key.hashCode() * 17L + attempt).nextInt(KINDS.length)];
        return k == 410 && !allow410 ? 503 : k;
      };
      VirtualTimer timer = new VirtualTimer(START);
      Map<String, Integer> delivered2xx = new HashMap<>();
      ScriptedTransport transport = new ScriptedTransport(timer, (url, id, attempt, t) -> {
        String key = url.getPort() + " " + id;
        int kind = kindOf.apply(key, attempt);
        long latency = new SplittableRandom(seed + attempt * 13L + key.hashCode()).nextInt(300);
        return switch (kind) {
          case 0 -> ScriptedTransport.timeout(t);
          case -1 -> new Answer(WebhookResponse.failed(WebhookResponse.Failure.CONNECTION_REFUSED, "scripted"), 0);
          case 429 -> new Answer(WebhookResponse.of(429, "1"), latency);
          default -> {
            if (kind == 200) {
              delivered2xx.merge(key, 1, Integer::sum);
            }
            yield new Answer(WebhookResponse.of(kind), latency);
          }
        };
      });
      List<WebhookSubscription> subs = new ArrayList<>();
      for (int s = 0; s < subscriptions; s++) {
        subs.add(sub("s" + s, 9100 + s));
      }
      WebhookDispatcher dispatcher = new WebhookDispatcher(subs, transport, timer,
          config(policy).withBounds(1 + shape.nextInt(4), 64), new SplittableRandom(seed));
      for (int e = 1; e <= events; e++) {
        dispatcher.publish(event(e));
        timer.advance(shape.nextInt(500));
      }
      timer.runUntilIdle();
      Map<String, Long> stats = dispatcher.stats();
      String where = "run " + run + " (seed " + seed + ")";
      assertThat(stats.get("delivered") + stats.get("deadLettered")).as(where)
          .isEqualTo(stats.get("published") * subscriptions).isEqualTo((long) events * subscriptions);
      assertThat(stats.get("inFlight")).as(where).isZero();
      assertThat(delivered2xx.values()).as(where + ": no message answered 2xx twice").allMatch(n -> n == 1);
      assertThat((long) delivered2xx.size()).as(where).isEqualTo(stats.get("delivered"));
      assertThat((long) dispatcher.deadLetters().entries().size()).as(where).isEqualTo(stats.get("deadLettered"));
      assertThat(dispatcher.deadLetters().entries()).as(where).allMatch(d -> d.attempts() <= maxAttempts);
      boolean anyDisabled = stats.get("disabledEndpoints") > 0;
      if (!anyDisabled) {
        // independent walk: each delivery's fate from its own script alone
        for (WebhookSubscription s : subs) {
          for (int e = 1; e <= events; e++) {
            String eventId = Integer.toString(e);
            String key = s.url().getPort() + " msg_" + eventId;
            boolean ok = false;
            int attemptsMade = 0;
            for (int attempt = 1; attempt <= maxAttempts; attempt++) {
              attemptsMade = attempt;
              int kind = kindOf.apply(key, attempt);
              if (kind == 200) {
                ok = true;
                break;
              }
              if (kind == 400) {
                break;
              }
            }
            int expectedAttempts = attemptsMade;
            List<WebhookDispatcher.AttemptRecord> made = dispatcher.attemptRecords().stream()
                .filter(r -> r.subscriptionId().equals(s.id()) && r.eventId().equals(eventId)).toList();
            assertThat(made).as(where + " " + key).hasSize(expectedAttempts);
            assertThat(made.get(made.size() - 1).outcome()).as(where + " " + key)
                .isEqualTo(ok ? Outcome.DELIVERED : Outcome.DEAD_LETTER);
          }
        }
      }
    }
  }
}
