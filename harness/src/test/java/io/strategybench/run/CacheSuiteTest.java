package io.strategybench.run;

import io.strategybench.cache.CachePlan;
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
 * The caching family end to end, on a small plan: three policies simulated on a synthetic workload at three
 * capacities with Belady's optimum, JMH forks of get and put beside Caffeine and ConcurrentHashMap, a Gatling run
 * per policy through a forked target, then a write strategy and each protection against its absence; then
 * results.json and the report with its charts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheSuiteTest {
  @TempDir
  static Path temp;

  private Path run;
  private int status;
  private String progress;

  @BeforeAll
  void runASmallCacheSuite() throws Exception {
    CachePlan plan = new CachePlan(List.of("zipf:s=0.99,keys=5000,requests=50000"), List.of("2%", "10%", "40%"),
        List.of(), 1, List.of(1000), List.of(1), new MicroLens.Settings(0, 1, 3, 100, 1),
        new CachePlan.Load(2000, 0.99, 500, 256, "exp:10ms", 64, 1024, Rate.perSecond(300), 2, 1, 0.1, "5s", 1),
        List.of(), List.of("write-through", "cache-aside"), List.of("none", "single-flight"),
        List.of("none", "negative-cache", "bloom"), List.of("none", "jitter"), true);
    SmallSuite.Ran ran = SmallSuite.run(temp, Suite.of("cache-test", "a small caching suite", java.util.Map.of("cache", plan)), List.of("lru", "w-tinylfu", "opt"));
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
  void everyPolicyRunsInItsLensesAndOptOnlyInTheSimulation() throws Exception {
    LoadSteps.statusIs(status, results(), progress, 0);
    JsonNode family = family();
    assertThat(family.get("family").asText()).isEqualTo("cache");
    List<String> names = new ArrayList<>();
    family.get("strategies").forEach(s -> names.add(s.get("strategy").asText()));
    assertThat(names).containsExactly("lru", "opt", "w-tinylfu");
    JsonNode optPoints = strategy("opt").get("simulate").get("workloads").get(0).get("points");
    for (String name : List.of("lru", "w-tinylfu")) {
      JsonNode s = strategy(name);
      assertThat(s.get("errors")).as(name).isEmpty();
      JsonNode points = s.get("simulate").get("workloads").get(0).get("points");
      assertThat(points).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(points.get(i).get("hits").asLong()).as(name + " below the optimum")
            .isLessThanOrEqualTo(optPoints.get(i).get("hits").asLong());
        if (i > 0) {
          assertThat(points.get(i).get("hitRatio").asDouble()).as(name + " grows with capacity")
              .isGreaterThan(points.get(i - 1).get("hitRatio").asDouble());
        }
      }
      JsonNode benchmarks = s.get("micro").get("benchmarks");
      assertThat(benchmarks).hasSize(2); // get and put
      benchmarks.forEach(b -> assertThat(b.get("nsPerOp").asDouble()).isPositive());
      JsonNode cache = s.get("load").get("cache");
      assertThat(cache.get("reads").asLong()).isPositive();
      assertThat(cache.get("hitRatio").asDouble()).as(name).isBetween(0.2, 1.0);
      assertThat(s.get("load").get("client").get("ko").asLong()).as(name).isZero();
      for (String file : List.of("gatlingReport", "clientHlog", "serverHlog")) {
        assertThat(run.resolve(s.get("load").get("files").get(file).asText())).as(file).exists();
      }
    }
    assertThat(strategy("opt").has("micro")).isFalse();
    assertThat(strategy("opt").has("load")).isFalse();
    JsonNode versus = family.get("reference").get("versusCaffeine");
    assertThat(versus).hasSize(4); // lru and w-tinylfu, get and put
  }

  @Test
  void theProtectionsAndWriteStrategiesAreMeasuredAgainstTheirAbsence() throws Exception {
    JsonNode family = family();
    JsonNode scenarios = family.get("scenarios");
    assertThat(scenarios.get("stampede")).hasSize(2);
    assertThat(scenarios.get("penetration")).hasSize(3);
    assertThat(scenarios.get("avalanche")).hasSize(2);
    assertThat(scenarios.get("writeStrategies")).hasSize(2);
    assertThat(scenarios.get("conditional")).hasSize(1);
    List<String> failed = new ArrayList<>();
    family.get("checks").forEach(c -> {
      if (c.get("verdict").asText().equals("failed")) {
        failed.add(c.toString());
      }
    });
    assertThat(family.get("checks").size()).as(progress).isGreaterThanOrEqualTo(7);
    assertThat(failed).as(progress).isEmpty();
  }

  @Test
  void theReportHasEveryCacheChart() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Caching").contains("Hit ratio against capacity").doesNotContain("<script");
    for (String chart : List.of("cache-hit-ratio-1", "cache-micro-get", "cache-micro-put", "cache-load-hit-ratio",
        "cache-load-origin", "cache-load-client-latency", "cache-write-strategies", "cache-protection-stampede",
        "cache-protection-penetration", "cache-protection-avalanche", "cache-avalanche-over-time")) {
      assertThat(html).as(chart).contains("charts/" + chart + ".svg");
      assertThat(run.resolve("charts/" + chart + ".svg")).exists();
      assertThat(run.resolve("charts/" + chart + ".png")).exists();
    }
  }

  /** Each chart's SVG as the browser laid it out: its size and how many shapes it drew. */
  private static final String CHARTS_AS_RENDERED = "JSON.stringify(Array.from(document.querySelectorAll('figure.chart'))"
      + ".map(f => { const s = f.querySelector('svg'); if (!s) return {w: 0, h: 0, shapes: 0};"
      + " const r = s.getBoundingClientRect();"
      + " return {w: r.width, h: r.height, shapes: s.querySelectorAll('path, rect, line, polyline, text').length}; }))";

  @Test
  void theReportRendersEveryChartInHeadlessChromiumAndRequestsNothingBeyondItself() throws Exception {
    Path report = run.resolve("report.html");
    String html = Files.readString(report);
    int figures = html.split("<figure class=\"chart\">", -1).length - 1;
    assertThat(figures).isGreaterThanOrEqualTo(11);
    try (io.strategybench.report.HeadlessChromium browser = io.strategybench.report.HeadlessChromium.start()) {
      var visit = browser.visit(report, CHARTS_AS_RENDERED);
      JsonNode charts = Json.MAPPER.readTree(visit.value());
      assertThat(charts).as("charts the browser found").hasSize(figures);
      for (JsonNode c : charts) {
        assertThat(c.get("w").asDouble()).as(c.toString()).isGreaterThan(200);
        assertThat(c.get("h").asDouble()).as(c.toString()).isGreaterThan(100);
        assertThat(c.get("shapes").asInt()).as("shapes drawn " + c).isGreaterThan(20);
      }
      String self = report.toUri().toString();
      assertThat(visit.requests()).as("requests the report made").isNotEmpty()
          .allSatisfy(url -> assertThat(url.replace("file:///", "file:/")).isEqualTo(self.replace("file:///", "file:/")));
    }
  }
}
