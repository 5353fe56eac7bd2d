package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite files: the built-in ones load, and every kind of mistake is named with its line and field. */
class SuiteFilesTest {
  @TempDir
  Path temp;

  /** A valid small suite; the tests break it one way at a time. */
  private static final String VALID = """
      name: small
      description: a small suite
      lenses: [simulate]
      checks:
        - family: ratelimit
          metric: simulate.patterns.0.maxInWindow
          max: 1000
      ratelimit:
        limit: 100
        windowMillis: 1000
        patterns: [poisson]
        rateMultiple: 2.0
        simulateSeconds: 5
        simulateKeys: 2
        seed: 1
        microKeys: [1]
        microThreads: [1]
        micro:
          warmupIterations: 1
          warmupMillis: 100
          iterations: 1
          iterationMillis: 100
          forks: 1
        loadLimit: 20
        goodClients: 2
        goodRate: 5
        abusiveClients: 1
        abusiveRate: 100
        loadSeconds: 2
        warmupSeconds: 1
        ioThreads: 1
        loadStrategies: []
        distributed: false
      """;

  private static String problems(String yaml) {
    try {
      SuiteFiles.parse(yaml, "bad.yaml");
    } catch (SuiteFiles.SuiteFileException e) {
      return e.getMessage();
    }
    throw new AssertionError("the suite was accepted:\n" + yaml);
  }

  /** The line (1-based) of the first line of {@code yaml} containing {@code text}. */
  private static int lineOf(String yaml, String text) {
    List<String> lines = yaml.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text);
  }

  @Test
  void everyBuiltInSuiteLoadsAndSurvivesARoundTrip() {
    for (String name : SuiteFiles.builtInNames()) {
      Suite suite = SuiteFiles.builtIn(name);
      assertThat(suite.name()).isEqualTo(name);
      assertThat(!suite.families().isEmpty() || suite.pipeline() != null).as(name).isTrue();
      assertThat(SuiteFiles.parse(SuiteFiles.write(suite), name)).as(name).isEqualTo(suite);
    }
    assertThat(SuiteFiles.builtIn("quick").families()).hasSize(6);
    assertThat(SuiteFiles.builtIn("full").families()).hasSize(6);
    assertThat(SuiteFiles.builtInNames()).containsExactly("quick", "lb", "hashing", "ratelimit", "cache",
        "idempotency", "delivery", "gateway", "full");
    assertThat(SuiteFiles.builtIn("full").plans().get("idempotency"))
        .isEqualTo(SuiteFiles.builtIn("idempotency").plans().get("idempotency"));
    assertThat(SuiteFiles.builtIn("full").plans().get("cache")).isEqualTo(SuiteFiles.builtIn("cache").plans().get("cache"));
    assertThat(SuiteFiles.builtIn("full").plans().get("lb")).isEqualTo(SuiteFiles.builtIn("lb").plans().get("lb"));
  }

  @Test
  void theValidSuiteParsesWithItsCheckAndLenses() {
    Suite suite = SuiteFiles.parse(VALID, "small.yaml");
    assertThat(suite.lenses()).containsExactly("simulate");
    assertThat(suite.checks()).containsExactly(new SuiteCheck("ratelimit", null, "simulate.patterns.0.maxInWindow",
        1000.0, null));
    assertThat(suite.plan("ratelimit", io.strategybench.ratelimit.RateLimitPlan.class).patterns())
        .containsExactly("poisson");
    assertThat(suite.plans()).doesNotContainKey("lb");
  }

  @Test
  void anUnknownFieldIsNamedWithItsLineAndTheValidFields() {
    String yaml = VALID.replace("  goodRate: 5\n", "  goodRate: 5\n  godRate: 5\n");
    assertThat(problems(yaml)).contains("bad.yaml").contains("line " + lineOf(yaml, "godRate"))
        .contains("unknown field 'godRate' in ratelimit").contains("valid fields: abusiveClients, abusiveRate,")
        .contains("goodRate");
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFieldAndTheType() {
    String yaml = VALID.replace("simulateSeconds: 5", "simulateSeconds: five");
    assertThat(problems(yaml)).contains("line " + lineOf(yaml, "five")).contains("ratelimit.simulateSeconds")
        .contains("expected a whole number").contains("five");
    String list = VALID.replace("microKeys: [1]", "microKeys: 1");
    assertThat(problems(list)).contains("line " + lineOf(list, "microKeys")).contains("ratelimit.microKeys");
  }

  @Test
  void aMissingFieldIsNamedWithItsType() {
    String yaml = VALID.replace("    iterationMillis: 100\n", "");
    assertThat(problems(yaml)).contains("line " + lineOf(yaml, "micro:"))
        .contains("ratelimit.micro.iterationMillis is missing: expected a whole number");
  }

  @Test
  void aNumberOutOfRangeAndAnUnknownModeAreEachReported() {
    String yaml = VALID.replace("limit: 100", "limit: -3").replace("patterns: [poisson]", "patterns: [poisson, gusty]")
        .replace("lenses: [simulate]", "lenses: [simulate, vibes]");
    String message = problems(yaml);
    assertThat(message).contains("line " + lineOf(yaml, "limit: -3") + ": ratelimit.limit: must be greater than 0,"
        + " got -3");
    assertThat(message).contains("line " + lineOf(yaml, "gusty") + ": ratelimit.patterns[1]: 'gusty' is not one of"
        + " boundary-burst, burst, poisson, steady");
    assertThat(message).contains("lenses[1]: 'vibes' is not one of load, micro, simulate");
  }

  @Test
  void aCheckMustNameAFamilyOfTheSuiteAndAMetricWithItsLens() {
    String yaml = VALID.replace("- family: ratelimit", "- family: cache")
        .replace("metric: simulate.patterns.0.maxInWindow", "metric: p99");
    String message = problems(yaml);
    assertThat(message).contains("checks[0].family: 'cache' is not a family of this suite; valid: ratelimit");
    assertThat(message).contains("checks[0].metric: a metric is a path into a strategy's results that starts with"
        + " its lens");
  }

  @Test
  void notYamlAnEmptyFileAndASuiteWithoutFamiliesAreEachExplained() {
    assertThat(problems("name: [unclosed\n")).contains("bad.yaml").contains("not YAML").contains("line ");
    assertThat(problems("")).contains("empty");
    assertThat(problems("name: x\ndescription: y\n")).contains("names no family");
  }

  @Test
  void aPathLoadsAFileAndAnUnknownNameListsTheSuites() throws Exception {
    Path file = temp.resolve("small.yaml");
    Files.writeString(file, VALID);
    assertThat(SuiteFiles.load(file.toString()).name()).isEqualTo("small");
    assertThatThrownBy(() -> SuiteFiles.load("slow")).hasMessageContaining(
        "unknown suite 'slow'; valid suite names: cache, delivery, full, gateway, hashing, idempotency, lb, quick, ratelimit");
    assertThatThrownBy(() -> SuiteFiles.load(temp.resolve("none.yaml").toString()))
        .hasMessageContaining("does not exist");
  }

  @Test
  void checksGateEachStrategyWithTheMetricAndANamedStrategyWithoutItFails() {
    RunResults results = new RunResults();
    FamilyResults family = new FamilyResults();
    family.family = "lb";
    for (String name : List.of("fast", "slow", "unmeasured")) {
      StrategyResults s = new StrategyResults();
      s.strategy = name;
      if (!name.equals("unmeasured")) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("p99Millis", name.equals("fast") ? 20.0 : 80.0);
        s.load = new LinkedHashMap<>(Map.of("client", client));
      }
      family.strategies.add(s);
    }
    results.families.add(family);
    SuiteCheck.applyAll(List.of(new SuiteCheck("lb", null, "load.client.p99Millis", 50.0, null),
        new SuiteCheck("lb", "unmeasured", "load.client.p99Millis", 50.0, null),
        new SuiteCheck("hashing", null, "load.client.p99Millis", 1.0, null)), results);
    assertThat(family.strategy("fast").checks).singleElement().satisfies(c -> {
      assertThat(c.passed()).isTrue();
      assertThat(c.value()).isEqualTo(20.0);
    });
    assertThat(family.strategy("slow").checks).singleElement().satisfies(c -> assertThat(c.passed()).isFalse());
    assertThat(family.strategy("unmeasured").checks).singleElement()
        .satisfies(c -> assertThat(c.passed()).isFalse());
  }

  @Test
  void theGatewaySuiteIsAPipelineAndAPipelineMistakeIsNamedWithItsLine() {
    Suite gateway = SuiteFiles.builtIn("gateway");
    assertThat(gateway.plans()).isEmpty();
    assertThat(gateway.pipeline().stages()).containsExactly("ratelimit:token-bucket", "cache:w-tinylfu",
        "lb:power-of-two-choices");
    assertThat(gateway.pipeline().variants()).hasSize(3);
    assertThat(gateway.pipeline().variants().get(1)).containsExactly("cache:w-tinylfu", "lb:power-of-two-choices");
    String yaml = SuiteFiles.write(gateway);
    String broken = yaml.replace("cache:w-tinylfu", "cache:nope").replace("keyFrom: \"header\"", "keyFrom: \"cookie\"")
        .replace("keyFrom: header", "keyFrom: cookie");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteFiles.parse(broken, "gw.yaml"))
        .hasMessageContaining("gw.yaml")
        .hasMessageMatching("(?s).*line \\d+: pipeline.stages\\[1\\]: 'nope' is not a cache strategy; valid: .*w-tinylfu.*")
        .hasMessageContaining("pipeline.keyFrom: is header (X-Api-Key) or jwt");
    PipelinePlan plan = gateway.pipeline();
    PipelinePlan foreign = new PipelinePlan(plan.stages(), java.util.Map.of("hashing", List.of("--cache-nodes", "3")),
        Rate.share(0.3), plan.seconds(), plan.warmupSeconds(), plan.ioThreads(), plan.keys(), plan.zipf(),
        plan.apiKeys(), plan.apiKeySkew(), plan.keyFrom(), plan.withoutEachStage());
    List<String> problems = new java.util.ArrayList<>();
    foreign.validate(io.strategybench.family.FamilyModules.builtIn(), (field, message) -> problems.add(field + ": "
        + message));
    assertThat(problems).anyMatch(p -> p.startsWith("serve/hashing: names no stage of the pipeline"))
        .anyMatch(p -> p.startsWith("rate: give requests per second"));
  }

  @Test
  void aFileThatIsNotUtf8IsNamedWithItsLineAndColumnNotThrownAsAnIoError() throws Exception {
    // "cafe" with an e-acute in Latin-1 (one byte 0xE9), as an editor set to Latin-1 saves it
    byte[] latin1 = VALID.replace("a small suite", "a caf\u00e9 suite").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Path file = temp.resolve("latin1.yaml");
    Files.write(file, latin1);
    assertThatThrownBy(() -> SuiteFiles.load(file.toString()))
        .isInstanceOf(SuiteFiles.SuiteFileException.class)
        .hasMessageContaining("suite file " + file)
        .hasMessageContaining("line " + lineOf(VALID, "a small suite") + ": byte 0xE9 at column "
            + ("description: a caf".length() + 1) + " is not UTF-8")
        .hasMessageContaining("save it as UTF-8");
    // the same text as UTF-8 loads
    Files.writeString(file, VALID.replace("a small suite", "a caf\u00e9 suite"));
    assertThat(SuiteFiles.load(file.toString()).description()).isEqualTo("a caf\u00e9 suite");
  }

  @Test
  void aFieldGivenTwiceIsNamedWithBothLines() {
    String yaml = VALID.replace("  simulateKeys: 2\n", "  simulateKeys: 2\n  simulateKeys: 7\n");
    int first = lineOf(yaml, "simulateKeys: 2");
    String message = problems(yaml);
    assertThat(message).contains("bad.yaml").contains("line " + (first + 1) + ": ratelimit.simulateKeys is given twice"
        + " (first at line " + first + ")");
    // one at the top, one in a list's element, one in a flow mapping; a repeated mapping is named once, not each of
    // its fields again
    String more = VALID.replace("lenses: [simulate]\n", "lenses: [simulate]\nname: other\n")
        .replace("max: 1000", "max: 1000\n    max: 2000")
        .replace("  micro:\n", "  micro:\n    forks: 1\n  micro:\n")
        + "lb: {backends: 2, backends: 3}\n";
    String all = problems(more);
    assertThat(all).contains("line " + lineOf(more, "name: other") + ": name is given twice (first at line 1)")
        .contains("line " + lineOf(more, "max: 2000") + ": checks[0].max is given twice")
        .contains(": ratelimit.micro is given twice")
        .contains("line " + lineOf(more, "lb: {") + ": lb.backends is given twice")
        .doesNotContain("ratelimit.micro.forks is given twice");
    // a second document is not the first one's fields again
    assertThat(problems(VALID + "---\n" + VALID)).doesNotContain("given twice").contains("line ");
  }

  @Test
  void aHashingPlanOutOfTheSimulationsRangeIsRejectedBeforeTheRun() throws Exception {
    String hashing;
    try (var in = SuiteFiles.class.getClassLoader().getResourceAsStream("suites/hashing.yaml")) {
      hashing = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String yaml = hashing.replaceFirst("simulateKeys: \\d+", "simulateKeys: 99999999999999")
        .replaceFirst("\n  nodeSweep: \\[\\d+", "\n  nodeSweep: [200000")
        .replaceFirst("vnodeSweep: \\[\\d+", "vnodeSweep: [20000");
    String message = problems(yaml);
    assertThat(message).contains("line " + lineOf(yaml, "simulateKeys") + ": hashing.simulateKeys: must be"
        + " 1..100000000, got 99999999999999");
    assertThat(message).contains("hashing.nodeSweep[0]: must be 1..100000, got 200000");
    assertThat(message).contains("hashing.vnodeSweep[0]: must be 1..10000 (the vnodes of the ring strategies), got"
        + " 20000");
    // the bounds are the simulation's own: what it refuses at run time, the suite refuses first
    assertThatThrownBy(() -> io.strategybench.hashing.HashingSimulator.run(null, java.util.Map.of(), 10,
        99999999999999L, 1)).hasMessageContaining("must be 1..100000000, got 99999999999999");
  }

  @Test
  void aRateLimitPlanBeyondWhatTheSimulationHoldsIsRejectedBeforeTheRun() {
    // 2 billion keys at 200 requests a second for 5 s: the run generated arrivals until memory ran out
    String yaml = VALID.replace("simulateKeys: 2", "simulateKeys: 2000000000");
    assertThat(problems(yaml)).contains("line " + lineOf(yaml, "simulateKeys") + ": ratelimit.simulateKeys:"
        + " 2000000000 keys for 5 s make about 2000000000000 arrivals of the poisson pattern (200.0 per second per"
        + " key: rateMultiple x limit per window); a simulation holds at most 50000000: fewer simulateKeys or"
        + " simulateSeconds");
    String limit = VALID.replace("limit: 100\n", "limit: 2000000\n");
    assertThat(problems(limit)).contains("line " + lineOf(limit, "limit: 2000000") + ": ratelimit.limit: must be"
        + " 1..1000000, got 2000000");
    // boundary-burst makes two limits every fourth window edge, whatever the rate
    String burst = VALID.replace("patterns: [poisson]", "patterns: [boundary-burst]")
        .replace("simulateSeconds: 5", "simulateSeconds: 4000000").replace("limit: 100\n", "limit: 1000\n");
    assertThat(problems(burst)).contains("arrivals of the boundary-burst pattern (two limits every fourth window"
        + " edge)");
    // within the bounds, the same plan is valid
    SuiteFiles.parse(VALID.replace("simulateKeys: 2", "simulateKeys: 20000"), "ok.yaml");
  }

  @Test
  void aCacheOfNoEntriesAndAnUnknownTraceFormatAreRejectedBeforeTheRun() throws Exception {
    String cache;
    try (var in = SuiteFiles.class.getClassLoader().getResourceAsStream("suites/cache.yaml")) {
      cache = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String yaml = cache.replace("capacities: [0.5%, 1%,", "capacities: [0%, 0,")
        .replaceFirst("format: lirs", "format: csv");
    String message = problems(yaml);
    assertThat(message).contains("line " + lineOf(yaml, "capacities: [0%") + ": cache.capacities[0]: a cache holds"
        + " at least 1 entry: give more than 0, got '0%'");
    assertThat(message).contains("cache.capacities[1]: a cache holds at least 1 entry: give more than 0, got '0'");
    assertThat(message).contains("line " + lineOf(yaml, "format: csv") + ": cache.traces[0].format: unknown trace"
        + " format 'csv'; valid formats: ");
  }
}
