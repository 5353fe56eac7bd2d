package io.strategybench.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.ratelimit.redis.RedisServerProcess;
import io.strategybench.server.ServerConfig;
import io.strategybench.server.TargetServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pinned behaviour over HTTP, with three target instances on one real redis-server: a subscriber on
 * instance A sees events 1-3 (published on B), goes away, events 4-6 are published on B, and it resumes with its
 * {@code Last-Event-ID} on instance C, started after them (as a killed instance comes back). With
 * {@code redis-streams} it gets exactly 4, 5, 6 and then the live 7: no gap, no duplicate. With {@code redis-pubsub}
 * (the control) 4-6 are lost: C heard nothing before it started, and the next event it sends is 7.
 */
class CrossInstanceResumeTest {
  private static RedisServerProcess redis;
  private final List<TargetServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String namespace = "resume-" + System.nanoTime();

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.launch();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void stopServers() {
    servers.forEach(TargetServer::close);
  }

  private TargetServer instance(String fanout) throws Exception {
    DeliveryStage stage = new DeliveryStage("sse", Buses.open(fanout, redis.uri(), namespace, 1000),
        new DeliveryStage.Config(500, 0, 0, 30_000, 100, 1000, true), null);
    TargetServer server = new TargetServer(ServerConfig.defaults().withPort(0).withIoThreads(1), List.of(stage),
        Map.of("family", "delivery", "strategy", "sse")).start();
    servers.add(server);
    return server;
  }

  private static URI events(TargetServer server) {
    return URI.create("http://127.0.0.1:" + server.port() + "/events");
  }

  private Event publish(TargetServer server, String data) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/publish")).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Event.fromJson(r.body().trim());
  }

  /** Events 1-6 as the scenario publishes them; the subscriber saw 1-3 on A and went away before 4. */
  private List<Event> seeThreeThenGoAway(TargetServer a, TargetServer b) throws Exception {
    List<Event> published = new ArrayList<>();
    try (SseStream s = SseStream.open(http, events(a))) {
      assertThat(s.next()).containsKey("retry"); // registered on A before the retry: line is written
      for (int i = 1; i <= 3; i++) {
        published.add(publish(b, "e" + i));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(s.event()).isEqualTo(published.get(i));
      }
    }
    for (int i = 4; i <= 6; i++) {
      published.add(publish(b, "e" + i));
    }
    return published;
  }

  @Test
  void redisStreamsResumingOnAnotherInstanceDeliversExactlyTheMissedEvents() throws Exception {
    TargetServer a = instance("redis-streams");
    TargetServer b = instance("redis-streams");
    List<Event> published = seeThreeThenGoAway(a, b);
    assertThat(published.get(0).id()).matches("\\d+-\\d+"); // the stream entry id is the event id
    TargetServer c = instance("redis-streams");
    try (SseStream s = SseStream.open(http, events(c), "Last-Event-ID", published.get(2).id())) {
      assertThat(s.next()).containsKey("retry");
      assertThat(s.event()).isEqualTo(published.get(3));
      assertThat(s.event()).isEqualTo(published.get(4));
      assertThat(s.event()).isEqualTo(published.get(5));
      Event live = publish(a, "e7");
      assertThat(s.event()).isEqualTo(live);
      assertThat(live.seq()).isEqualTo(7);
    }
  }

  @Test
  void redisPubsubLosesWhatWasPublishedWhileTheSubscriberWasAway() throws Exception {
    TargetServer a = instance("redis-pubsub");
    TargetServer b = instance("redis-pubsub");
    List<Event> published = seeThreeThenGoAway(a, b);
    TargetServer c = instance("redis-pubsub");
    try (SseStream s = SseStream.open(http, events(c), "Last-Event-ID", published.get(2).id())) {
      assertThat(s.next()).containsKey("retry");
      Event live = publish(a, "e7");
      assertThat(s.event()).as("the first event after the resume: 4-6 are lost").isEqualTo(live);
      assertThat(live.seq()).isEqualTo(7);
    }
    // an instance that ran all along (B heard 4-6) replays them: the loss is the restarted instance's
    try (SseStream s = SseStream.open(http, events(b), "Last-Event-ID", published.get(2).id())) {
      assertThat(s.next()).containsKey("retry");
      assertThat(s.event()).isEqualTo(published.get(3));
    }
  }

  @Test
  void aMalformedLastEventIdIsRefusedNamingTheStreamForm() throws Exception {
    TargetServer a = instance("redis-streams");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(events(a)).header("Last-Event-ID", "17")
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Last-Event-ID").contains("'17'").contains("MILLIS-SEQ");
  }
}
