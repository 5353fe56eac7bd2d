package io.strategybench.run;

import io.strategybench.ratelimit.RateLimitPlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rate-limiting family end to end, on a small plan: two arrival patterns on the virtual clock, JMH forks of
 * the decision and of our token bucket beside Bucket4j, Guava and Resilience4j, Gatling through a forked target
 * with well-behaved and abusive clients, and three targets behind a fourth, sharing a real redis-server or
 * each limiting alone; then results.json and the report with its charts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitSuiteTest {
  @TempDir
  static Path temp;

  private Path run;
  private int status;
  private String progress;

  @BeforeAll
  void runASmallRateLimitSuite() throws Exception {
    RateLimitPlan plan = new RateLimitPlan(20, 1000, List.of("boundary-burst", "poisson"), 2.0, 10, 2, 1,
        List.of(1, 1000), List.of(1), new MicroLens.Settings(0, 1, 3, 150, 1), 10, 5, 2, 2, 40, 5, 2, 1, List.of(),
        true);
    SmallSuite.Ran ran = SmallSuite.run(temp, Suite.of("ratelimit-test", "a small rate-limiting suite", java.util.Map.of("ratelimit", plan)), List.of("token-bucket", "sliding-log", "redis-sliding-log"));
    run = ran.folder();
    status = ran.status();
    progress = ran.progress();
  }

  private JsonNode results() throws Exception {
    return Json.MAPPER.readTree(run.resolve("results.json").toFile());
  }

  @Test
  void clientAndServerDescribeTheSameRequestsInEveryLoadStep() throws Exception {
    LoadSteps.sameRequests(results(), progress);
  }

  private JsonNode family() throws Exception {
    JsonNode results = Json.MAPPER.readTree(run.resolve("results.json").toFile());
    assertThat(results.get("status").asText()).as(progress).isEqualTo("complete");
    assertThat(results.get("families")).hasSize(1);
    assertThat(io.strategybench.results.ResultsSchema.errors(results)).as("results.json against its schema").isEmpty();
    return results.get("families").get(0);
  }

  private JsonNode strategy(String name) throws Exception {
    for (JsonNode s : family().get("strategies")) {
      if (s.get("strategy").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError(name + " is not in the results:\n" + progress);
  }

  @Test
  void everyStrategyRunsInEveryLens() throws Exception {
    LoadSteps.statusIs(status, results(), progress, 0, 3);
    JsonNode family = family();
    assertThat(family.get("family").asText()).isEqualTo("ratelimit");
    List<String> names = new ArrayList<>();
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      names.add(name);
      assertThat(s.get("errors")).as(name).isEmpty();
      JsonNode patterns = s.get("simulate").get("patterns");
      assertThat(patterns).hasSize(2);
      for (JsonNode p : patterns) {
        assertThat(p.get("arrivals").asLong()).isEqualTo(p.get("admitted").asLong() + p.get("rejected").asLong());
        assertThat(p.get("stateBytesPerKey").asDouble()).as(name).isPositive();
      }
      JsonNode benchmarks = s.get("micro").get("benchmarks");
      assertThat(benchmarks).hasSize(2);
      for (JsonNode b : benchmarks) {
        assertThat(b.get("nsPerOp").asDouble()).isPositive();
      }
      JsonNode rl = s.get("load").get("ratelimit");
      assertThat(s.get("load").get("client").get("ko").asLong()).as(name + ": 429 is an expected answer").isZero();
      assertThat(rl.get("classes").get("abusive").get("rejectedShare").asDouble()).as(name).isGreaterThan(0.5);
      assertThat(rl.get("classes").get("good").get("rejectedShare").asDouble()).as(name).isLessThan(0.01);
      assertThat(rl.get("classes").get("abusive").get("admittedPerSecond")).hasSize(5);
      // One instance: no key above the limit, beyond one window's burst over the 5 measured seconds.
      assertThat(rl.get("maxAdmittedPerKeyPerSecond").asDouble()).as(name).isBetween(8.0, 10.0 * 6 / 5);
      assertThat(rl.get("decisionLatency").get("count").asLong()).isPositive();
      for (String file : List.of("gatlingReport", "clientHlog", "serverHlog")) {
        assertThat(run.resolve(s.get("load").get("files").get(file).asText())).as(file).exists();
      }
    }
    assertThat(names).containsExactly("redis-sliding-log", "sliding-log", "token-bucket");
    for (JsonNode check : strategy("sliding-log").get("checks")) {
      assertThat(check.get("passed").asBoolean()).as(check.toString()).isTrue();
    }
  }

  @Test
  void threeInstancesHoldTheLimitOnlyWhenTheyShareRedis() throws Exception {
    JsonNode shared = strategy("redis-sliding-log").get("load").get("distributed");
    JsonNode separate = strategy("sliding-log").get("load").get("distributed");
    assertThat(shared.get("sharedState").asText()).isEqualTo("redis");
    // Sharing Redis, the instances hold one limit: an invariant of the shared state, whatever the machine did.
    assertThat(shared.get("overLimit").asDouble()).as(progress).isBetween(0.8, 1.2);
    // Each instance admits the limit on its own: about three times as much in all, when each instance saw the
    // abusive key at the rate sent (a generator that fell behind sends less, and the step then says so).
    if (separate.get("diagnosis").get("verdict").asText().equals("conclusive")) {
      assertThat(separate.get("overLimit").asDouble()).as(progress).isBetween(2.4, 3.6);
    } else {
      assertThat(separate.get("overLimit").asDouble()).as(progress).isGreaterThan(1.2);
    }
    assertThat(shared.get("perInstance")).hasSize(3);
    for (JsonNode instance : shared.get("perInstance")) {
      assertThat(instance.get("admitted").asLong()).as("round robin spreads the clients").isPositive();
    }
    JsonNode check = strategy("redis-sliding-log").get("checks").findValues("name").stream()
        .filter(n -> n.asText().contains("three instances")).findFirst().orElseThrow();
    assertThat(check.asText()).contains("Redis");
  }

  @Test
  void ourTokenBucketIsMeasuredBesideTheLibrariesInTheSameRun() throws Exception {
    JsonNode rows = family().get("reference").get("tokenBucketVsReferences");
    assertThat(rows).hasSize(3 * 2);
    List<String> libraries = new ArrayList<>();
    rows.forEach(r -> libraries.add(r.get("library").asText()));
    assertThat(libraries).containsOnly("bucket4j", "guava", "resilience4j");
    for (JsonNode r : rows) {
      assertThat(r.get("oursNsPerOp").asDouble()).isPositive();
      assertThat(r.get("libraryNsPerOp").asDouble()).isPositive();
    }
    assertThat(strategy("token-bucket").get("checks").toString()).contains("Bucket4j");
    assertThat(progress).contains("token bucket vs bucket4j");
  }

  @Test
  void theReportHasEveryRateLimitChart() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Rate limiting").contains("Our token bucket against the libraries")
        .doesNotContain("<script");
    for (String chart : List.of("ratelimit-simulate-max-window", "ratelimit-simulate-accuracy", "ratelimit-state-bytes",
        "ratelimit-micro", "ratelimit-micro-remote", "ratelimit-micro-reference", "ratelimit-load-admitted", "ratelimit-load-429-share",
        "ratelimit-load-decision-latency", "ratelimit-load-client-latency", "ratelimit-distributed")) {
      assertThat(html).as(chart).contains("charts/" + chart + ".svg");
      assertThat(run.resolve("charts/" + chart + ".svg")).exists();
      assertThat(run.resolve("charts/" + chart + ".png")).exists();
    }
  }
}
