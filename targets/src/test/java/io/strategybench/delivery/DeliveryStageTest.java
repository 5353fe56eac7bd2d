package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.server.ServerConfig;
import io.strategybench.server.TargetServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery endpoints over real HTTP, with the JDK's own HTTP and WebSocket clients (not Netty's): SSE frames with
 * their ids and a resume with {@code Last-Event-ID} that replays exactly what was missed, then goes live; short and
 * long polls; a WebSocket resumed with {@code ?after=}; bad input answered 4xx while the server keeps serving; the
 * bound on held connections.
 */
class DeliveryStageTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private TargetServer server;
  private DeliveryStage stage;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    stage = new DeliveryStage("sse", new LocalBus(100), new DeliveryStage.Config(500, 0, 0, 30_000, 3, 1000, true),
        null);
    server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "delivery", "strategy", "sse")).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private Event publish(String data) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/publish")).timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofString(data)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Event.fromJson(r.body().trim());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private SseStream stream(String... headers) throws Exception {
    return SseStream.open(http, uri("/events"), headers);
  }

  private void awaitHeld(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!stage.stats().get("held").equals(n)) {
      assertThat(System.nanoTime()).as("held connections never reached " + n + ": " + stage.stats())
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void sseSendsEveryEventWithItsIdAndAResumeReplaysExactlyWhatWasMissed() throws Exception {
    List<Event> published = new ArrayList<>();
    try (SseStream s = stream()) {
      assertThat(s.next()).containsEntry("retry", "500");
      awaitHeld(1);
      for (int i = 1; i <= 3; i++) {
        published.add(publish("e" + i));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(s.event()).isEqualTo(published.get(i));
      }
    }
    awaitHeld(0);
    published.add(publish("e4")); // while the client is away
    published.add(publish("e5"));
    try (SseStream s = stream("Last-Event-ID", published.get(2).id())) {
      assertThat(s.next()).containsKey("retry");
      assertThat(s.event()).isEqualTo(published.get(3));
      assertThat(s.event()).isEqualTo(published.get(4));
      Event live = publish("e6");
      assertThat(s.event()).isEqualTo(live); // no duplicate of 4 or 5 before it
    }
    // the query form names the same resume point
    HttpResponse<InputStream> byQuery = http.send(HttpRequest.newBuilder(uri("/events?lastEventId="
        + published.get(4).id())).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    try (SseStream s = new SseStream(byQuery)) {
      s.next();
      assertThat(s.event().data()).isEqualTo("e6");
    }
    assertThat(published).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  /**
   * A fan-out whose listeners hear events late (as a Redis stream reader behind XRANGE does): a client that resumes
   * from an event its instance has not yet heard must not get that event again when the instance hears it.
   */
  @Test
  void anEventHeardLateIsNotSentAgainToAClientThatResumedPastIt() throws Exception {
    LocalBus inner = new LocalBus(100);
    List<java.util.function.Consumer<Event>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Event> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    boolean[] holding = {true};
    inner.subscribe(e -> {
      if (holding[0]) {
        held.add(e);
      } else {
        listeners.forEach(l -> l.accept(e));
      }
    });
    EventBus late = new EventBus() {
      @Override
      public String name() {
        return "late";
      }

      @Override
      public CompletionStage<Event> publish(String data) {
        return inner.publish(data);
      }

      @Override
      public AutoCloseable subscribe(java.util.function.Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
      }

      @Override
      public CompletionStage<List<Event>> after(String lastEventId, int max) {
        return inner.after(lastEventId, max);
      }

      @Override
      public String checkId(String id) {
        return inner.checkId(id);
      }
    };
    server.close();
    stage = new DeliveryStage("sse", late, new DeliveryStage.Config(500, 0, 0, 30_000, 3, 1000, true), null);
    server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "delivery", "strategy", "sse")).start();
    Event first = publish("one");
    Event second = publish("two"); // both in the log, neither heard by the instance's listeners yet
    try (SseStream s = stream("Last-Event-ID", second.id())) {
      assertThat(s.next()).containsKey("retry");
      awaitHeld(1);
      holding[0] = false;
      held.forEach(e -> listeners.forEach(l -> l.accept(e))); // the instance hears one and two now, late
      Event third = publish("three");
      assertThat(s.event()).as("one and two came before the resume point").isEqualTo(third);
    }
    assertThat(first.seq()).isEqualTo(1);
  }

  @Test
  void aResumeLongerThanOneReplayGetsEveryEventInOrder() throws Exception {
    server.close();
    stage = new DeliveryStage("sse", new LocalBus(100), new DeliveryStage.Config(500, 0, 0, 30_000, 3, 3, true), null);
    server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "delivery", "strategy", "sse")).start();
    List<Event> published = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      published.add(publish("e" + i));
    }
    try (SseStream s = stream("Last-Event-ID", published.get(0).id())) { // 7 missed, replayed 3 at a time
      assertThat(s.next()).containsKey("retry");
      for (int i = 1; i < 8; i++) {
        assertThat(s.event()).isEqualTo(published.get(i));
      }
      Event live = publish("e9");
      assertThat(s.event()).isEqualTo(live);
    }
  }

  @Test
  void shortPollsAnswerAtOnceAndLongPollsHoldUntilAnEvent() throws Exception {
    String start = get("/poll").body();
    assertThat(start).isEqualTo("{\"events\":[],\"last\":\"\"}\n"); // nothing heard yet: start from now
    Event a = publish("a");
    Event b = publish("b");
    assertThat(get("/poll?after=" + a.id()).body()).isEqualTo(PollAnswer.of(List.of(b), b.id()));
    assertThat(get("/poll").body()).isEqualTo(PollAnswer.of(List.of(), b.id()));
    assertThat(get("/poll?after=" + b.id()).body()).isEqualTo(PollAnswer.of(List.of(), b.id()));
    CompletableFuture<HttpResponse<String>> held = http.sendAsync(HttpRequest.newBuilder(uri("/poll?after="
        + b.id() + "&wait=20")).timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.ofString());
    awaitHeld(1);
    assertThat(held).isNotDone();
    Event c = publish("c");
    assertThat(held.get(20, TimeUnit.SECONDS).body()).isEqualTo(PollAnswer.of(List.of(c), c.id()));
    awaitHeld(0);
    // a long poll with nothing new ends empty at its wait, its last id unchanged
    assertThat(get("/poll?after=" + c.id() + "&wait=0.2").body()).isEqualTo(PollAnswer.of(List.of(), c.id()));
  }

  @Test
  void aWebSocketGetsEachEventAsOneTextMessageAndResumesWithAfter() throws Exception {
    Event first = publish("one");
    Event second = publish("two");
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(
        URI.create("ws://127.0.0.1:" + server.port() + "/ws?after=" + first.id()), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              messages.add(text.toString());
              text.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
    try {
      assertThat(Event.fromJson(messages.poll(20, TimeUnit.SECONDS))).isEqualTo(second);
      awaitHeld(1);
      Event third = publish("three");
      assertThat(Event.fromJson(messages.poll(20, TimeUnit.SECONDS))).isEqualTo(third);
      assertThat(messages).isEmpty();
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
    }
    awaitHeld(0);
  }

  @Test
  void badInputGets4xxNamingWhatWasWrongAndTheServerKeepsServing() throws Exception {
    HttpResponse<String> badId = get("/events", "Last-Event-ID", "abc");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(badId.body()).contains("Last-Event-ID").contains("'abc'").contains("sequence number");
    assertThat(get("/poll?after=-1").body()).contains("after").contains("'-1'");
    HttpResponse<String> badWait = get("/poll?wait=soon");
    assertThat(badWait.statusCode()).isEqualTo(400);
    assertThat(badWait.body()).contains("wait must be the seconds").contains("'soon'");
    HttpResponse<String> notUpgraded = get("/ws");
    assertThat(notUpgraded.statusCode()).isEqualTo(400);
    assertThat(notUpgraded.body()).contains("Upgrade: websocket");
    // an upgrade without its key (the JDK's client will not send one: a raw socket does)
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout(20_000);
      raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String head = new String(raw.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 400");
    }
    assertThat(stage.stats().get("held")).isEqualTo(0);
    HttpResponse<String> getPublish = get("/publish");
    assertThat(getPublish.statusCode()).isEqualTo(405);
    assertThat(getPublish.headers().firstValue("allow")).contains("POST");
    HttpResponse<String> unknown = get("/nowhere");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("/events").contains("/poll").contains("/ws").contains("/publish");
    HttpResponse<String> notUtf8 = http.send(HttpRequest.newBuilder(uri("/publish")).timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xC3, 0x28})).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notUtf8.statusCode()).isEqualTo(400);
    assertThat(notUtf8.body()).contains("UTF-8");
    assertThat(publish("still serving").seq()).isEqualTo(1);
    assertThat(stage.stats().get("badRequests")).isEqualTo(6L); // the six 400s
  }

  @Test
  void aWebhookSubscriptionNeedsAnHttpLoopbackUrlAndASecret() throws Exception {
    server.close();
    io.strategybench.delivery.webhook.WebhookSubscriptions webhooks =
        new io.strategybench.delivery.webhook.WebhookSubscriptions(new Webhook(), true);
    stage = new DeliveryStage("webhook", new LocalBus(100), new DeliveryStage.Config(500, 0, 0, 30_000, 3, 1000, true),
        webhooks);
    server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "delivery", "strategy", "webhook")).start();
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    java.util.function.Function<String, HttpResponse<String>> subscribe = body -> {
      try {
        return http.send(HttpRequest.newBuilder(uri("/subscriptions")).timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
    HttpResponse<String> ftp = subscribe.apply("{\"url\":\"ftp://127.0.0.1/hook\",\"secret\":\"" + secret + "\"}");
    assertThat(ftp.statusCode()).isEqualTo(400);
    assertThat(ftp.body()).contains("http:// or https://").contains("ftp://127.0.0.1/hook");
    HttpResponse<String> remote = subscribe.apply("{\"url\":\"http://example.com/hook\",\"secret\":\""
        + secret + "\"}");
    assertThat(remote.statusCode()).isEqualTo(400);
    assertThat(remote.body()).contains("example.com").contains("loopback");
    HttpResponse<String> noSecret = subscribe.apply("{\"url\":\"http://127.0.0.1:9/hook\"}");
    assertThat(noSecret.statusCode()).isEqualTo(400);
    assertThat(noSecret.body()).contains("\"secret\"").contains("whsec_");
    HttpResponse<String> badSecret = subscribe.apply("{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"hunter2\"}");
    assertThat(badSecret.statusCode()).isEqualTo(400);
    assertThat(badSecret.body()).contains("whsec_");
    HttpResponse<String> notJson = subscribe.apply("url=http://127.0.0.1:9/hook");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("JSON object");
    HttpResponse<String> ok = subscribe.apply("{\"id\":\"a\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\""
        + secret + "\"}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(ok.body()).contains("\"id\":\"a\"");
    assertThat(subscribe.apply("{\"id\":\"a\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"" + secret
        + "\"}").body()).contains("exists already");
    assertThat(webhooks.size()).isEqualTo(1);
  }

  @Test
  void pastItsMostSubscribersAnInstanceAnswers503WithRetryAfter() throws Exception {
    List<SseStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(stream());
      }
      awaitHeld(3);
      HttpResponse<String> refused = get("/events");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).contains("1");
      assertThat(refused.body()).contains("holds its most subscribers (3)");
    } finally {
      for (SseStream s : open) {
        s.close();
      }
    }
    awaitHeld(0);
    try (SseStream s = stream()) {
      assertThat(s.next()).containsKey("retry");
    }
  }
}
