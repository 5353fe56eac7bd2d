package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.cli.Bench;
import io.strategybench.server.Json;
import io.strategybench.testing.PluginJars;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A whole family from a plugin jar: {@code examples/family-plugin} (retry policies), built into a jar and dropped in
 * a plugins folder, shows in {@code bench list}, {@code simulate}, {@code micro} (JMH in a JVM of its own, its
 * benchmark list in the plugin jar), {@code serve --stage retry:...} (through the load lens: a forked target) and a
 * suite run with its report, with nothing of it in StrategyBench. The simulation is checked against the finding of
 * "Exponential Backoff and Jitter": full jitter costs an overloaded server fewer calls than exponential backoff.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FamilyPluginEndToEndTest {
  @TempDir
  static Path temp;

  private Path plugins;
  private Path run;
  private int runStatus;
  private String runOut;

  static final String SUITE = """
      name: retry-test
      description: the retry family from a plugin, briefly
      retry:
        clients: [20, 100]
        capacity: 4
        serviceMillis: 10
        spreadMillis: 0
        seed: 1
        micro: {warmupIterations: 1, warmupMillis: 100, iterations: 2, iterationMillis: 100, forks: 1}
        rate: 100
        loadSeconds: 2
        warmupSeconds: 1
        upstreamCapacity: 1
        upstreamQueue: 0
        upstreamTime: exp:5ms
      """;

  @BeforeAll
  void buildThePluginAndRunASuiteOfItsFamily() throws Exception {
    Path example = Path.of("..", "examples", "family-plugin", "src", "main").toAbsolutePath().normalize();
    plugins = temp.resolve("plugins");
    PluginJars.buildFromTree(plugins.resolve("retry-family.jar"), example.resolve("java"), example.resolve("resources"),
        "org.openjdk.jmh.generators.BenchmarkProcessor");
    Path suite = temp.resolve("retry-test.yaml");
    Files.writeString(suite, SUITE);
    run = temp.resolve("run");
    CliResult result = cli("--plugins-dir", plugins.toString(), "run", suite.toString(), "--strategies",
        "none,exponential,full-jitter", "--out", run.toString());
    runStatus = result.status();
    runOut = result.out() + result.err();
  }

  record CliResult(int status, String out, String err) {}

  private static CliResult cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Bench.newCommandLine(args);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    PrintStream originalErr = System.err;
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
    try {
      int status = cli.execute(args);
      return new CliResult(status, out.toString(), err + progress.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }
  }

  @Test
  void theFamilyIsListedWithItsStrategiesAndItsStageOptions() throws Exception {
    CliResult list = cli("--plugins-dir", plugins.toString(), "list", "--json");
    assertThat(list.status()).as(list.err()).isZero();
    JsonNode retry = null;
    for (JsonNode f : Json.MAPPER.readTree(list.out()).get("families")) {
      if (f.get("family").asText().equals("retry")) {
        retry = f;
      }
    }
    assertThat(retry).as(list.out()).isNotNull();
    assertThat(retry.get("strategies")).hasSize(5);
    for (JsonNode s : retry.get("strategies")) {
      assertThat(s.get("plugin").asBoolean()).isTrue();
      assertThat(s.get("source").asText()).endsWith("retry-family.jar");
    }
    CliResult help = cli("--plugins-dir", plugins.toString(), "serve", "--help");
    assertThat(help.out()).contains("--retry-upstream-capacity").contains("retry (Retry policies");
    CliResult suites = cli("--plugins-dir", plugins.toString(), "suites", temp.resolve("retry-test.yaml").toString());
    assertThat(suites.status()).as(suites.err()).isZero();
    assertThat(suites.out()).contains("retry-test").contains("retry");
  }

  @Test
  void theSimulationShowsWhatJitterSavesAnOverloadedServer() throws Exception {
    CliResult simulate = cli("--plugins-dir", plugins.toString(), "simulate", "retry", "--clients", "20,100",
        "--json");
    assertThat(simulate.status()).as(simulate.err()).isZero();
    Map<String, JsonNode> at100 = new HashMap<>();
    for (JsonNode r : Json.MAPPER.readTree(simulate.out()).get("results")) {
      int clients = r.get("clients").asInt();
      assertThat(r.get("succeeded").asInt() + r.get("gaveUp").asInt()).as(r.toString()).isEqualTo(clients);
      assertThat(r.get("calls").asLong()).as(r.toString()).isGreaterThanOrEqualTo(clients);
      if (clients == 100) {
        at100.put(r.get("strategy").asText(), r);
      }
    }
    assertThat(at100).containsKeys("none", "fixed", "exponential", "full-jitter", "decorrelated-jitter");
    assertThat(at100.get("none").get("calls").asLong()).isEqualTo(100);
    assertThat(at100.get("full-jitter").get("calls").asLong())
        .isLessThan(at100.get("exponential").get("calls").asLong());
    assertThat(at100.get("decorrelated-jitter").get("calls").asLong())
        .isLessThan(at100.get("exponential").get("calls").asLong());
  }

  @Test
  void theMicroCommandRunsThePluginsBenchmarkInAJvmOfItsOwn() throws Exception {
    CliResult micro = cli("--plugins-dir", plugins.toString(), "micro", "retry", "--strategy", "full-jitter",
        "--threads", "1", "--quick", "--json", "--out", temp.resolve("micro").toString());
    assertThat(micro.status()).as(micro.err()).isZero();
    JsonNode scores = Json.MAPPER.readTree(micro.out()).get("scores");
    assertThat(scores).hasSize(1);
    assertThat(scores.get(0).get("strategy").asText()).isEqualTo("full-jitter");
    assertThat(scores.get(0).get("nsPerOp").asDouble()).isPositive();
  }

  @Test
  void aSuiteRunsTheFamilyInEveryLensAndTheReportShowsIt() throws Exception {
    JsonNode results = Json.MAPPER.readTree(run.resolve("results.json").toFile());
    LoadSteps.statusIs(runStatus, results, runOut, 0);
    LoadSteps.sameRequests(results, runOut);
    JsonNode family = results.get("families").get(0);
    assertThat(family.get("family").asText()).isEqualTo("retry");
    for (JsonNode s : family.get("strategies")) {
      String name = s.get("strategy").asText();
      assertThat(s.get("errors")).as(name + "\n" + runOut).isEmpty();
      assertThat(s.get("plugin").asBoolean()).isTrue();
      assertThat(s.get("simulate").get("runs")).as(name).hasSize(2);
      assertThat(s.get("micro").get("benchmarks").get(0).get("nsPerOp").asDouble()).as(name).isPositive();
      JsonNode load = s.get("load");
      assertThat(load.get("step").asText()).isEqualTo("load/retry/" + name);
      JsonNode stage = load.get("retry");
      assertThat(stage.get("requests").asLong()).as(name).isPositive();
      assertThat(stage.get("upstreamCalls").asLong()).as(name)
          .isGreaterThanOrEqualTo(stage.get("requests").asLong());
      if (name.equals("none")) {
        assertThat(stage.get("retries").asLong()).as("no retry policy, no retry").isZero();
      }
      for (JsonNode c : s.get("checks")) {
        assertThat(c.get("verdict").asText()).as(c.toString()).isNotEqualTo("failed");
      }
    }
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("Retry policies").contains("full-jitter").contains("calls/client");
    assertThat(List.of(runOut)).noneMatch(o -> o.contains("Exception"));
  }
}
