package io.strategybench.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.server.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.json as the writer writes it validates against the published schema, and broken ones do not. */
class ResultsSchemaTest {
  @TempDir
  Path temp;

  private static RunResults results() {
    RunResults r = new RunResults();
    r.suite = "quick";
    r.startedAt = "2026-12-02T10:00:00Z";
    r.status = RunResults.COMPLETE;
    FamilyResults f = new FamilyResults();
    f.family = "cache";
    f.title = "Caching";
    StrategyResults s = new StrategyResults();
    s.strategy = "lru";
    s.source = "built-in";
    s.micro = new LinkedHashMap<>(Map.of("benchmarks", List.of(Map.of("benchmark", "get", "threads", 1,
        "nsPerOp", 51.8, "nsPerOpError", 2.1))));
    s.checks.add(new Check("a check", "micro", true, 1.1, "<= 2"));
    f.strategies.add(s);
    r.families.add(f);
    return r;
  }

  @Test
  void theWritersOutputIsValid() throws Exception {
    ResultsWriter.write(temp, results());
    assertThat(ResultsSchema.errors(temp.resolve(ResultsWriter.FILE))).isEmpty();
  }

  @Test
  void aWrongStatusAMissingSuiteANegativeScoreAndAnotherVersionAreEachCaught() {
    ObjectNode doc = Json.MAPPER.valueToTree(results());
    doc.put("status", "done");
    assertThat(ResultsSchema.errors(doc)).singleElement().asString().contains("status");
    ObjectNode noSuite = Json.MAPPER.valueToTree(results());
    noSuite.remove("suite");
    assertThat(ResultsSchema.errors(noSuite)).singleElement().asString().contains("suite");
    ObjectNode negative = Json.MAPPER.valueToTree(results());
    ((ObjectNode) negative.at("/families/0/strategies/0/micro/benchmarks/0")).put("nsPerOp", -1);
    assertThat(ResultsSchema.errors(negative)).singleElement().asString().contains("nsPerOp");
    ObjectNode v2 = Json.MAPPER.valueToTree(results());
    v2.put("schemaVersion", 1);
    assertThat(ResultsSchema.errors(v2)).isNotEmpty();
  }
}
