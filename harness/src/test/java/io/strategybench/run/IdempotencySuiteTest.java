package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.idempotency.IdempotencyPlan;
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
 * The idempotency family end to end, on a small plan, against the real servers the run starts (redis-server and a
 * PostgreSQL cluster): every store simulated at two lock TTLs and with crashes, JMH of one attempt beside its
 * server's round trip, and the load run of the control ({@code none}) and of {@code postgres-recovery-points} through
 * three instances behind a round-robin front, one killed and started again; then results.json and the report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencySuiteTest {
  private static final List<String> STORES = List.of("none", "in-memory", "redis-setnx", "redis-fenced",
      "postgres-unique", "postgres-recovery-points");

  @TempDir
  static Path temp;

  private Path run;
  private int status;
  private String progress;

  @BeforeAll
  void runASmallIdempotencySuite() throws Exception {
    IdempotencyPlan plan = new IdempotencyPlan(300, 3, 200.0, 150.0, 6, List.of(50.0, 1000.0), 0.001, 0.001,
        500.0, 1L, new MicroLens.Settings(0, 1, 2, 150, 1), 40.0, 3, 1000, 50, 0.5, 1, 4, 1, 1,
        List.of("none", "postgres-recovery-points"));
    SmallSuite.Ran ran = SmallSuite.run(temp, Suite.of("idempotency-test", "a small idempotency suite", Map.of("idempotency", plan)), STORES);
    run = ran.folder();
    status = ran.status();
    progress = ran.progress();
  }

  private JsonNode results() throws Exception {
    return Json.MAPPER.readTree(run.resolve("results.json").toFile());
  }

  @Test
  void everyStoreRunsInTheLensesItWasGivenAndItsChecksPass() throws Exception {
    JsonNode results = results();
    LoadSteps.statusIs(status, results, progress, 0);
    assertThat(io.strategybench.results.ResultsSchema.errors(results)).as("results.json against its schema").isEmpty();
    JsonNode family = results.get("families").get(0);
    assertThat(family.get("family").asText()).isEqualTo("idempotency");
    List<String> names = new ArrayList<>();
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      names.add(name);
      assertThat(s.get("errors")).as(name + "\n" + progress).isEmpty();
      assertThat(s.get("simulate").get("runs")).as(name).hasSize(3); // two lock TTLs, then with crashes
      List<String> benchmarks = new ArrayList<>();
      s.get("micro").get("benchmarks").forEach(b -> benchmarks.add(b.get("benchmark").asText()));
      assertThat(benchmarks).as(name).contains("attempt", "serverRoundTrip");
      for (JsonNode c : s.get("checks")) {
        assertThat(c.get("passed").asBoolean()).as(name + ": " + c + "\n" + progress).isTrue();
      }
      assertThat(s.get("checks")).as(name).isNotEmpty();
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(STORES);
  }

  @Test
  void theLoadRunCountsTheControlsDuplicatesAndNoneForTheSharedStoreThroughTheKill() throws Exception {
    JsonNode family = results().get("families").get(0);
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      JsonNode load = s.get("load");
      if (!name.equals("none") && !name.equals("postgres-recovery-points")) {
        assertThat(load == null || load.isNull()).as(name + " has no load run").isTrue();
        continue;
      }
      JsonNode f = load.get("idempotency");
      assertThat(f.get("effects").asLong()).as(name).isPositive();
      assertThat(f.get("kill").get("instance").asInt()).as(name + ": " + f.get("kill")).isEqualTo(2);
      assertThat(f.get("kill").has("downSeconds")).as(name + ": " + f.get("kill")).isTrue();
      if (name.equals("none")) {
        assertThat(f.get("duplicates").asLong()).as("the control").isPositive();
      } else {
        assertThat(f.get("duplicates").asLong()).as(name).isZero();
        assertThat(f.get("replays").asLong()).as(name).isPositive();
      }
    }
    LoadSteps.sameRequests(results(), progress);
  }

  @Test
  void theReportShowsTheFamilyWithItsCharts() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Idempotency keys", "idempotency-duplicates.svg", "idempotency-cost.svg");
  }
}
