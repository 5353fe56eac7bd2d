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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The example plugin, built into a jar from {@code examples/lb-plugin} and dropped in a plugins folder, is
 * listed, simulated, micro-benchmarked in a forked JMH JVM and load-tested through a forked target with
 * Gatling, next to a built-in, with no change to StrategyBench. The suite run is also where the results
 * document and the report are checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginEndToEndTest {
  @TempDir
  static Path temp;

  private Path plugins;
  private Path run;
  private int runStatus;
  private String runOut;

  @BeforeAll
  void buildPluginAndRunTheQuickSuite() throws Exception {
    Path example = Path.of("..", "examples", "lb-plugin", "src", "main").toAbsolutePath().normalize();
    plugins = temp.resolve("plugins");
    PluginJars.buildFromTree(plugins.resolve("first-available.jar"), example.resolve("java"), example.resolve("resources"));
    run = temp.resolve("run");
    CliResult result = cli("--plugins-dir", plugins.toString(), "run", "quick",
        "--strategies", "first-available,round-robin", "--duration", "2", "--out", run.toString());
    runStatus = result.status;
    runOut = result.out + result.err;
  }

  record CliResult(int status, String out, String err) {}

  private static CliResult cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Bench.newCommandLine();
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
  void thePluginIsListedAsAPlugin() throws Exception {
    CliResult list = cli("--plugins-dir", plugins.toString(), "list", "--json");
    JsonNode strategies = Json.MAPPER.readTree(list.out()).get("families").get(0).get("strategies");
    JsonNode plugin = null;
    for (JsonNode s : strategies) {
      if (s.get("name").asText().equals("first-available")) {
        plugin = s;
      }
    }
    assertThat(plugin).isNotNull();
    assertThat(plugin.get("plugin").asBoolean()).isTrue();
    assertThat(plugin.get("source").asText()).endsWith("first-available.jar");
    assertThat(plugin.get("parameters").get(0).get("name").asText()).isEqualTo("max-in-flight");
    assertThat(strategies).hasSize(11);
  }

  @Test
  void thePluginRunsInEveryLensOfTheSuite() throws Exception {
    JsonNode results = Json.MAPPER.readTree(run.resolve("results.json").toFile());
    LoadSteps.statusIs(runStatus, results, runOut, 0);
    LoadSteps.sameRequests(results, runOut);
    assertThat(results.get("schema").asText()).isEqualTo("strategybench/results");
    assertThat(results.get("status").asText()).isEqualTo("complete");
    assertThat(results.get("environment").get("cpus").asInt()).isPositive();
    JsonNode family = results.get("families").get(0);
    assertThat(family.get("family").asText()).isEqualTo("lb");
    List<String> names = new ArrayList<>();
    for (JsonNode s : family.get("strategies")) {
      names.add(s.get("strategy").asText());
      String name = s.get("strategy").asText();
      assertThat(s.get("errors")).as(name).isEmpty();
      // micro: JMH in a forked JVM, with the plugin on its class path
      JsonNode benchmarks = s.get("micro").get("benchmarks");
      assertThat(benchmarks).as(name + ": quick benchmarks one thread").hasSize(1);
      assertThat(benchmarks.get(0).get("nsPerOp").asDouble()).as(name).isPositive();
      assertThat(run.resolve(s.get("micro").get("jmhJson").asText())).exists();
      // simulate
      assertThat(s.get("simulate").get("requests").asLong()).as(name).isPositive();
      assertThat(s.get("simulate").get("completed").asLong() + s.get("simulate").get("errors").asLong())
          .isEqualTo(s.get("simulate").get("requests").asLong());
      // load: Gatling through a forked target running the strategy
      JsonNode load = s.get("load");
      assertThat(load.get("client").get("requests").asLong()).as(name).isGreaterThan(500);
      assertThat(load.get("client").get("ok").asLong()).as(name).isPositive();
      assertThat(load.get("server").get("responses").asLong()).as(name).isPositive();
      assertThat(load.get("server").get("p99Micros").asDouble()).as(name).isPositive();
      assertThat(load.get("throughputRps").asDouble()).as(name).isPositive();
      assertThat(load.get("backends")).hasSize(4);
      double shares = 0;
      for (JsonNode b : load.get("backends")) {
        shares += b.get("share").asDouble();
      }
      assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
      assertThat(s.get("checks").get(0).get("passed").asBoolean()).isTrue();
      for (String file : List.of("gatlingReport", "clientHlog", "serverHlog")) {
        assertThat(run.resolve(load.get("files").get(file).asText())).as(file).exists();
      }
    }
    assertThat(names).containsExactly("first-available", "round-robin");
    JsonNode plugin = family.get("strategies").get(0);
    assertThat(plugin.get("plugin").asBoolean()).isTrue();
    // first-available packs load on the first backend: it must take the largest share.
    JsonNode first = plugin.get("load").get("backends").get(0);
    for (JsonNode b : plugin.get("load").get("backends")) {
      assertThat(first.get("share").asDouble()).isGreaterThanOrEqualTo(b.get("share").asDouble());
    }
  }

  @Test
  void theReportIsSelfContainedAndShowsEveryStrategy() throws Exception {
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html).contains("first-available").contains("round-robin");
    Matcher svgs = Pattern.compile("<svg").matcher(html);
    int charts = 0;
    while (svgs.find()) {
      charts++;
    }
    // client and server percentiles, one pair per strategy, load share, simulated share and latency, micro
    assertThat(charts).isEqualTo(2 + 2 + 4);
    Matcher external = Pattern.compile("(?:src|href)\\s*=\\s*\"(https?:|//)").matcher(html);
    assertThat(external.find()).as("nothing is fetched from the network").isFalse();
    assertThat(html).doesNotContain("<script");
    for (String chart : List.of("lb-load-client-latency", "lb-load-server-latency", "lb-load-share",
        "lb-simulate-share", "lb-simulate-latency", "lb-micro", "lb-latency-first-available")) {
      assertThat(run.resolve("charts/" + chart + ".svg")).exists();
      assertThat(run.resolve("charts/" + chart + ".png")).exists();
    }
    assertThat(runOut).contains("report:").contains("report.html");
  }

  @Test
  void thePluginIsMeasuredByTheStandaloneMicroAndSimulateCommands() throws Exception {
    CliResult micro = cli("--plugins-dir", plugins.toString(), "micro", "lb", "--strategy", "first-available",
        "--backends", "3", "--threads", "1", "--quick", "--json", "--out", temp.resolve("micro").toString());
    assertThat(micro.status()).as(micro.err()).isZero();
    JsonNode scores = Json.MAPPER.readTree(micro.out()).get("scores");
    assertThat(scores).hasSize(1);
    assertThat(scores.get(0).get("strategy").asText()).isEqualTo("first-available");
    JsonNode jmh = Json.MAPPER.readTree(temp.resolve("micro/jmh-lb.json").toFile());
    assertThat(jmh.get(0).get("params").get("strategy").asText()).isEqualTo("first-available");
    CliResult simulate = cli("--plugins-dir", plugins.toString(), "simulate", "lb", "--strategy",
        "first-available", "-p", "max-in-flight=2", "--duration", "2s", "--json");
    assertThat(simulate.status()).as(simulate.err()).isZero();
    assertThat(Json.MAPPER.readTree(simulate.out()).get("results").get(0).get("strategy").asText())
        .isEqualTo("first-available");
  }
}
