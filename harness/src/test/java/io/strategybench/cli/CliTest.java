package io.strategybench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class CliTest {

  /** Every command and subcommand, depth first. */
  private static List<CommandLine> commands(CommandLine root) {
    List<CommandLine> all = new ArrayList<>();
    all.add(root);
    for (CommandLine sub : root.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) {
        all.addAll(commands(sub));
      }
    }
    return all;
  }

  @Test
  void everyOptionOfEveryCommandIsExplainedWithItsDefault() {
    for (CommandLine command : commands(Bench.newCommandLine())) {
      CommandSpec spec = command.getCommandSpec();
      String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertThat(spec.usageMessage().header()).as("header of %s", spec.qualifiedName()).isNotEmpty();
      for (OptionSpec option : spec.options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        assertThat(String.join(" ", option.description())).as("%s %s", spec.qualifiedName(), option.longestName())
            .isNotBlank();
        String shown = option.negatable() ? "--[no-]" + option.longestName().substring(2) : option.longestName();
        assertThat(usage).as("%s shows %s", spec.qualifiedName(), option.longestName()).contains(shown);
        String defaultValue = option.defaultValue();
        if (defaultValue != null) {
          assertThat(usage).as("%s shows the default of %s", spec.qualifiedName(), option.longestName())
              .contains("Default: " + defaultValue);
        }
      }
    }
  }

  @Test
  void helpWorksForEveryCommand() {
    for (String[] args : new String[][] {{"--help"}, {"list", "--help"}, {"serve", "--help"}, {"simulate", "lb", "--help"},
        {"micro", "lb", "--help"}, {"simulate", "hashing", "--help"}, {"micro", "hashing", "--help"},
        {"simulate", "ratelimit", "--help"}, {"micro", "ratelimit", "--help"},
        {"run", "--help"}, {"suites", "--help"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.status()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).contains("Usage:");
    }
  }

  @Test
  void listShowsTheLoadBalancingFamilyFirstWithItsTenStrategies() throws Exception {
    CliRun text = CliRun.of("--plugins-dir", "/nonexistent", "list");
    assertThat(text.status()).isZero();
    assertThat(text.out()).contains("lb (Load balancing)").contains("peak-ewma").contains("--param decay-millis=10000");
    CliRun json = CliRun.of("--plugins-dir", "/nonexistent", "list", "--json");
    JsonNode doc = Json.MAPPER.readTree(json.out());
    assertThat(doc.get("families")).hasSize(6);
    assertThat(doc.get("families").findValuesAsText("family")).containsExactly("lb", "hashing", "ratelimit", "cache",
        "idempotency", "delivery");
    JsonNode lb = doc.get("families").get(0);
    assertThat(lb.get("family").asText()).isEqualTo("lb");
    assertThat(lb.get("strategies")).hasSize(10);
    assertThat(lb.get("strategies").get(0).get("plugin").asBoolean()).isFalse();
  }

  @Test
  void anUnknownFamilyExitsWithStatus2AndListsTheValidNames() {
    for (String[] args : new String[][] {{"list", "--family", "dns"}, {"serve", "--family", "dns"},
        {"simulate", "dns"}, {"micro", "dns"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args)).contains("unknown family 'dns'").contains("valid").contains("lb");
    }
  }

  @Test
  void anUnknownStrategyExitsWithStatus2AndListsTheValidNames() {
    for (String[] args : new String[][] {{"simulate", "lb", "--strategy", "fastest"}, {"serve", "--strategy", "fastest"}}) {
      CliRun run = CliRun.of(args);
      assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).contains("unknown lb strategy 'fastest'").contains("round-robin, sticky-round-robin");
    }
    CliRun run = CliRun.of("run", "quick", "--strategies", "ring,fastest");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("unknown strategy 'fastest' in suite quick; valid strategy names: lb: ip-hash,")
        .contains("; hashing: bounded-load, jump,");
    CliRun lbOnly = CliRun.of("run", "lb", "--strategies", "ring");
    assertThat(lbOnly.status()).isEqualTo(2);
    assertThat(lbOnly.err()).contains("unknown strategy 'ring' in suite lb; valid strategy names: lb: ")
        .doesNotContain("hashing:");
    CliRun suite = CliRun.of("run", "slow");
    assertThat(suite.status()).isEqualTo(2);
    assertThat(suite.err()).contains("unknown suite 'slow'; valid suite names: cache, delivery, full, gateway, hashing, idempotency, lb, quick, ratelimit");
  }

  @Test
  void anInvalidParameterNamesTheParameterAndItsRange() {
    CliRun run = CliRun.of("simulate", "lb", "--strategy", "peak-ewma", "-p", "decay-millis=0");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("parameter 'decay-millis' of lb strategy 'peak-ewma' must be in 1..600000, got 0");
    CliRun unknown = CliRun.of("simulate", "lb", "--strategy", "round-robin", "-p", "decay-millis=5");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("none of the chosen strategies has a parameter 'decay-millis'");
    CliRun port = CliRun.of("serve", "--port", "70000", "--simulated", "1");
    assertThat(port.status()).isEqualTo(2);
    assertThat(port.err()).contains("port must be 0..65535");
    CliRun duration = CliRun.of("simulate", "lb", "--duration", "ten");
    assertThat(duration.status()).isEqualTo(2);
    assertThat(duration.err()).contains("'ten' is not a duration");
    CliRun fault = CliRun.of("simulate", "lb", "--sim-fault", "b9@1s:slow=2");
    assertThat(fault.status()).isEqualTo(2);
    assertThat(fault.err()).contains("the simulated backends are b1..b4");
  }

  @Test
  void serveSaysWhenItsPortIsInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of("serve", "--port", String.valueOf(taken.getLocalPort()), "--simulated", "1");
      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).contains("127.0.0.1:" + taken.getLocalPort()).contains("already in use");
    }
  }

  @Test
  void serveNeedsABackend() {
    CliRun run = CliRun.of("serve", "--port", "0");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("needs at least one backend").contains("--backend HOST:PORT").contains("--simulated N");
  }

  @Test
  void simulateIsDeterministicForASeedByteForByte() {
    String[] args = {"simulate", "lb", "--duration", "5s", "--sim-fault", "b2@2s:refuse", "--seed", "7", "--json"};
    CliRun first = CliRun.of(args);
    CliRun second = CliRun.of(args);
    assertThat(first.status()).isZero();
    assertThat(first.out()).isEqualTo(second.out());
    CliRun otherSeed = CliRun.of("simulate", "lb", "--duration", "5s", "--sim-fault", "b2@2s:refuse", "--seed", "8", "--json");
    assertThat(otherSeed.out()).isNotEqualTo(first.out());
    CliRun table = CliRun.of("simulate", "lb", "--duration", "5s", "--seed", "7");
    assertThat(table.out()).contains("strategy").contains("weighted-round-robin").contains("b1 ");
  }

  @Test
  void suitesListsTheBuiltInSuitesAndABadSuiteFileStopsTheRunBeforeAnythingRuns(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path temp) throws Exception {
    CliRun list = CliRun.of("suites");
    assertThat(list.status()).isZero();
    for (String name : List.of("quick", "lb", "hashing", "ratelimit", "cache", "idempotency", "delivery", "full")) {
      assertThat(list.out()).contains("scenarios/suites/" + name + ".yaml");
    }
    JsonNode doc = Json.MAPPER.readTree(CliRun.of("suites", "--json").out());
    assertThat(doc.get("suites")).hasSize(9);
    assertThat(doc.get("suites").get(0).get("families")).hasSize(6);
    java.nio.file.Path bad = temp.resolve("bad.yaml");
    String yaml = io.strategybench.run.SuiteFiles.write(io.strategybench.run.Suite.named("lb"))
        .replace("backends: 4", "backends: four");
    java.nio.file.Files.writeString(bad, yaml);
    int line = 1 + (int) yaml.substring(0, yaml.indexOf("backends: four")).chars().filter(c -> c == '\n').count();
    java.nio.file.Path out = temp.resolve("out");
    CliRun run = CliRun.of("run", bad.toString(), "--out", out.toString());
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("suite file " + bad).contains("line " + line + ": lb.backends: expected a whole number, got 'four'");
    assertThat(out).doesNotExist();
    CliRun validate = CliRun.of("suites", bad.toString());
    assertThat(validate.status()).isEqualTo(2);
    assertThat(validate.err()).contains("line " + line + ": lb.backends");
  }

  @Test
  void servePipelineMistakesAreNamedBeforeAnythingStarts() {
    CliRun unknown = CliRun.of("serve", "--stage", "nope:x");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown family 'nope'").contains("lb").contains("cache");
    CliRun foreign = CliRun.of("serve", "--stage", "lb", "--capacity", "10");
    assertThat(foreign.status()).isEqualTo(2);
    assertThat(foreign.err()).contains("--capacity is an option of the cache stage, which is not in the pipeline");
    CliRun limiterLast = CliRun.of("serve", "--stage", "ratelimit:token-bucket");
    assertThat(limiterLast.status()).isEqualTo(2);
    assertThat(limiterLast.err()).contains("passes the requests it admits on");
    CliRun originOnly = CliRun.of("serve", "--stage", "cache:lru", "--stage", "lb", "--single-flight");
    assertThat(originOnly.status()).isEqualTo(2);
    assertThat(originOnly.err()).contains("--single-flight: only the cache with its own origin");
    CliRun unscoped = CliRun.of("serve", "--stage", "cache:lru", "--stage", "lb", "-p", "choices=3");
    assertThat(unscoped.status()).isEqualTo(2);
    assertThat(unscoped.err()).contains("name the stage's family (cache.choices, lb.choices)");
    CliRun twice = CliRun.of("serve", "--stage", "lb", "--stage", "lb:random");
    assertThat(twice.status()).isEqualTo(2);
    assertThat(twice.err()).contains("each family's stage appears once");
    CliRun unknownStrategy = CliRun.of("serve", "--stage", "cache:nope", "--stage", "lb");
    assertThat(unknownStrategy.status()).isEqualTo(2);
    assertThat(unknownStrategy.err()).contains("'nope'").contains("w-tinylfu");
  }

  @Test
  void serveHelpListsTheFamiliesWithStagesAndTheirOptions() {
    CliRun help = CliRun.of("serve", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out().replaceAll("\\s+", " ")).contains("--stage")
        .contains("ratelimit (Rate limiting; default strategy token-bucket,"
        + " usual pipeline ratelimit:token-bucket → lb:round-robin)").contains("(cache) ").contains("--origin-time");
  }
}
