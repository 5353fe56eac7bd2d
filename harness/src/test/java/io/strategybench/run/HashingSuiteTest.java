package io.strategybench.run;

import io.strategybench.hashing.HashingPlan;
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
 * The hashing family end to end, on a small plan: the simulation with both sweeps, JMH forks of lookup and
 * build and of jump hash beside Guava's, and Gatling through a forked target serving the sharded cache while a
 * node joins and one leaves; then results.json and the report with its charts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashingSuiteTest {
  @TempDir
  static Path temp;

  private Path run;
  private int status;
  private String progress;

  @BeforeAll
  void runASmallHashingSuite() throws Exception {
    HashingPlan plan = new HashingPlan(20, 20_000, List.of(10, 100), 20, 20_000, List.of(3, 10), 10_000, 1,
        List.of(10), List.of(1), new MicroLens.Settings(0, 1, 3, 150, 1), 4, 100, 1000, 0.99, "const:5ms", 16, 256,
        64, Rate.perSecond(300), 6, 2, 1, 1.0 / 3, 2.0 / 3);
    SmallSuite.Ran ran = SmallSuite.run(temp, Suite.of("hashing-test", "a small hashing suite", java.util.Map.of("hashing", plan)), List.of("ring", "jump"));
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

  @Test
  void everyStrategyRunsInEveryLens() throws Exception {
    LoadSteps.statusIs(status, results(), progress, 0);
    JsonNode family = family();
    assertThat(family.get("family").asText()).isEqualTo("hashing");
    List<String> names = new ArrayList<>();
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      names.add(name);
      assertThat(s.get("errors")).as(name).isEmpty();
      JsonNode simulate = s.get("simulate");
      assertThat(simulate.get("nodes").asInt()).isEqualTo(20);
      assertThat(simulate.get("keys").asLong()).isEqualTo(20_000);
      assertThat(simulate.get("violationsOnAdd").asLong()).as("%s on adding a node", name).isZero();
      assertThat(simulate.get("violationsOnRemove").asLong() > 0).as("%s on removing the middle node", name)
          .isEqualTo(name.equals("jump"));
      assertThat(simulate.get("nodeSweep")).hasSize(2);
      assertThat(simulate.get("nodeSweep").get(1).get("nodes").asInt()).isEqualTo(10);
      assertThat(simulate.has("vnodeSweep")).as("only strategies with vnodes sweep them").isEqualTo(name.equals("ring"));
      JsonNode benchmarks = s.get("micro").get("benchmarks");
      assertThat(benchmarks).hasSize(2);
      for (JsonNode b : benchmarks) {
        assertThat(b.get("params").get("nodes").asText()).isEqualTo("10");
        assertThat(b.get("nsPerOp").asDouble()).isPositive();
      }
      assertThat(run.resolve(s.get("micro").get("jmhJson").asText())).exists();
      JsonNode load = s.get("load");
      assertThat(load.get("client").get("requests").asLong()).as(name).isGreaterThan(1000);
      assertThat(load.get("client").get("ko").asLong()).as(name).isZero();
      JsonNode cache = load.get("cache");
      // The stage saw every request the server counted; the server's and the stage's counters are zeroed one
      // after the other by the reset while requests flow, so a request or two in flight then may fall between.
      long served = load.get("server").get("requests").asLong();
      assertThat(cache.get("requests").asLong()).isBetween(served - 3, served + 3);
      assertThat(cache.get("hitRatio").asDouble()).as("Zipf reads of 1000 keys through 400 entries").isBetween(0.3, 1.0);
      assertThat(cache.get("perSecond").get("hitRatio")).hasSize(6);
      JsonNode changes = cache.get("changes");
      assertThat(changes).hasSize(2);
      assertThat(changes.get(0).get("change").asText()).isEqualTo("added n5");
      assertThat(changes.get(0).get("atSeconds").asDouble()).as("offsets count from the reset after the warm-up")
          .isBetween(1.9, 2.5);
      assertThat(changes.get(1).get("change").asText()).isEqualTo("removed n3");
      assertThat(cache.get("nodes")).as("four nodes, one added, one removed and still counted").hasSize(5);
      for (String file : List.of("gatlingReport", "clientHlog", "serverHlog")) {
        assertThat(run.resolve(load.get("files").get(file).asText())).as(file).exists();
      }
    }
    assertThat(names).containsExactly("jump", "ring");
  }

  @Test
  void jumpHashIsMeasuredBesideGuavasInTheSameRun() throws Exception {
    JsonNode family = family();
    JsonNode rows = family.get("reference").get("jumpVsGuava");
    assertThat(rows).hasSize(1);
    JsonNode row = rows.get(0);
    assertThat(row.get("nodes").asInt()).isEqualTo(10);
    assertThat(row.get("jumpNsPerOp").asDouble()).isPositive();
    assertThat(row.get("guavaNsPerOp").asDouble()).isPositive();
    assertThat(row.get("jumpNsPerOpError").asDouble()).as("three iterations give JMH an error to judge by").isPositive();
    assertThat(run.resolve(family.get("reference").get("jmhJson").asText())).exists();
    JsonNode jump = family.get("strategies").get(0);
    assertThat(jump.get("checks")).hasSize(1);
    assertThat(jump.get("checks").get(0).get("name").asText()).contains("Guava");
    assertThat(progress).contains("jump hash vs Guava, 10 nodes");
  }

  @Test
  void theReportHasEveryHashingChart() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Consistent hashing").contains("Against the published figures")
        .contains("Each node change").contains("added n5").doesNotContain("<script");
    for (String chart : List.of("hashing-vnodes-peak", "hashing-vnodes-rsd", "hashing-moved-add",
        "hashing-moved-remove", "hashing-load-hit-ratio", "hashing-load-origin", "hashing-load-node-share",
        "hashing-load-client-latency", "hashing-load-server-latency", "hashing-micro-lookup", "hashing-micro-build")) {
      assertThat(html).as(chart).contains("charts/" + chart + ".svg");
      assertThat(run.resolve("charts/" + chart + ".svg")).exists();
      assertThat(run.resolve("charts/" + chart + ".png")).exists();
    }
  }
}
