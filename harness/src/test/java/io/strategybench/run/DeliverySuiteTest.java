package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.delivery.DeliveryPlan;
import io.strategybench.server.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery family end to end, on a small plan, with the real redis-server the run starts: every channel
 * simulated with the three fan-outs and an outage, JMH of encoding, and the load runs of SSE through redis-streams
 * (three instances, the second killed and started again, Gatling's subscribers pinned to them) and of webhooks to
 * misbehaving receivers; one capacity step; then results.json and the report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliverySuiteTest {
  private static final List<String> CHANNELS = List.of("short-poll", "long-poll", "sse", "websocket", "webhook");

  @TempDir
  static Path temp;

  private Path run;
  private int status;
  private String progress;

  @BeforeAll
  void runASmallDeliverySuite() throws Exception {
    DeliveryPlan plan = new DeliveryPlan(List.of("local", "redis-pubsub", "redis-streams"), 60, 3, 10.0, 40, 2.0,
        1.0, 10.0, 3000.0, 1L, new MicroLens.Settings(0, 1, 1, 100, 1), 30, 10.0, 5, 1, 0.3, 1, 1,
        List.of("sse", "webhook"), List.of("redis-streams"), List.of(20), 5.0, 3, 250.0);
    SmallSuite.Ran ran = SmallSuite.run(temp, Suite.of("delivery-test", "a small delivery suite", Map.of("delivery", plan)), CHANNELS);
    run = ran.folder();
    status = ran.status();
    progress = ran.progress();
  }

  private JsonNode results() throws Exception {
    return Json.MAPPER.readTree(run.resolve("results.json").toFile());
  }

  @Test
  void everyChannelRunsInTheLensesItWasGivenAndItsChecksPass() throws Exception {
    JsonNode results = results();
    LoadSteps.statusIs(status, results, progress, 0);
    assertThat(io.strategybench.results.ResultsSchema.errors(results)).as("results.json against its schema").isEmpty();
    JsonNode family = results.get("families").get(0);
    assertThat(family.get("family").asText()).isEqualTo("delivery");
    List<String> names = new ArrayList<>();
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      names.add(name);
      assertThat(s.get("errors")).as(name + "\n" + progress).isEmpty();
      assertThat(s.get("simulate").get("runs")).as(name).hasSize(3);
      List<String> benchmarks = new ArrayList<>();
      s.get("micro").get("benchmarks").forEach(b -> benchmarks.add(b.get("benchmark").asText()));
      assertThat(benchmarks).as(name).contains("encode", "json");
      if (name.equals("webhook")) {
        assertThat(benchmarks).contains("sign", "verify");
      }
      for (JsonNode c : s.get("checks")) {
        assertThat(c.get("passed").asBoolean()).as(name + ": " + c + "\n" + progress).isTrue();
      }
      assertThat(s.get("checks")).as(name).isNotEmpty();
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(CHANNELS);
  }

  @Test
  void sseThroughRedisStreamsLosesNothingAcrossTheKillAndWebhooksAreAllAccountedFor() throws Exception {
    JsonNode family = results().get("families").get(0);
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      JsonNode load = s.get("load");
      if (!name.equals("sse") && !name.equals("webhook")) {
        assertThat(load == null || load.isNull()).as(name + " has no load run").isTrue();
        continue;
      }
      JsonNode r = load.get("runs").get(0);
      assertThat(r.get("fanout").asText()).isEqualTo("redis-streams");
      assertThat(r.get("published").asLong()).as(name + ": " + r).isPositive();
      assertThat(r.get("delivered").asLong()).as(name + ": " + r).isPositive();
      if (name.equals("sse")) {
        assertThat(r.get("kill").get("instance").asInt()).as(r.get("kill").toString()).isEqualTo(2);
        assertThat(r.get("gaps").asLong()).as(r.toString()).isZero();
        assertThat(r.get("duplicates").asLong()).as(r.toString()).isZero();
        assertThat(r.get("subscribers").asInt()).isEqualTo(30);
        assertThat(r.get("delivered").asLong()).isEqualTo(r.get("published").asLong() * 30);
        JsonNode capacity = load.get("capacity");
        assertThat(capacity.get("steps").size()).as("one step, tried twice when it failed once").isBetween(1, 2);
        assertThat(capacity.get("limitedBy").asText()).isNotEmpty();
      } else {
        assertThat(r.get("delivered").asLong() + r.get("deadLettered").asLong()).as(r.toString())
            .isEqualTo(r.get("expected").asLong());
        assertThat(r.get("receivers")).hasSize(5);
      }
    }
  }

  @Test
  void theReportShowsTheFamilyWithItsCharts() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Real-time delivery", "delivery-latency.svg", "delivery-requests.svg",
        "delivery-connections.svg");
  }
}
