package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.cli.CliRun;
import io.strategybench.results.ResultsSchema;
import io.strategybench.server.Json;
import io.strategybench.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin whose pick throws is reported as failed, with its error, and the suite goes on with the rest. */
class ThrowingPluginTest {
  @TempDir
  Path temp;

  private static final String SOURCE = """
      package com.example.broken;

      import io.strategybench.lb.Backend;
      import io.strategybench.lb.LbRequest;
      import io.strategybench.lb.LoadBalancer;
      import io.strategybench.strategy.Strategy;
      import java.util.List;

      @Strategy(name = "always-throws", summary = "a plugin whose every pick throws; for the tests")
      public final class AlwaysThrows implements LoadBalancer {
        @Override
        public void setBackends(List<? extends Backend> backends) {}

        @Override
        public Backend pick(LbRequest request) {
          throw new IllegalStateException("the broken plugin refuses to pick");
        }
      }
      """;

  @Test
  void theFailureIsRecordedWithItsErrorAndTheOtherStrategiesStillRun() throws Exception {
    Path plugins = temp.resolve("plugins");
    PluginJars.build(plugins.resolve("broken.jar"), Map.of("com/example/broken/AlwaysThrows.java", SOURCE),
        Map.of("io.strategybench.lb.LoadBalancer", "com.example.broken.AlwaysThrows"));
    Path out = temp.resolve("run");
    CliRun run = CliRun.of("--plugins-dir", plugins.toString(), "run", "lb", "--strategies",
        "always-throws,round-robin", "--lenses", "simulate", "--out", out.toString());
    assertThat(run.status()).as(run.out() + run.err()).isEqualTo(1);
    JsonNode doc = Json.MAPPER.readTree(out.resolve("results.json").toFile());
    assertThat(doc.path("status").asText()).isEqualTo("partial");
    assertThat(ResultsSchema.errors(doc)).isEmpty();
    JsonNode broken = null;
    JsonNode roundRobin = null;
    for (JsonNode s : doc.path("families").path(0).path("strategies")) {
      if (s.path("strategy").asText().equals("always-throws")) {
        broken = s;
      } else if (s.path("strategy").asText().equals("round-robin")) {
        roundRobin = s;
      }
    }
    assertThat(broken).isNotNull();
    assertThat(broken.path("plugin").asBoolean()).isTrue();
    assertThat(broken.path("errors").toString()).contains("simulate").contains("the broken plugin refuses to pick");
    assertThat(roundRobin).isNotNull();
    assertThat(roundRobin.path("errors")).isEmpty();
    assertThat(roundRobin.has("simulate")).isTrue();
    assertThat(Files.readString(out.resolve("report.html"))).contains("always-throws")
        .contains("the broken plugin refuses to pick");
  }
}
