package com.example.strategybench.retry;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.StrategySelection;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench micro retry}: JMH of one wait computed by each policy. */
@Command(name = "retry", header = "JMH: ns per wait computed, for every chosen retry policy.",
    description = {"", "Runs RetryBenchmark in a JVM of its own with this plugin first on the class path (its"
        + " benchmark list is in the plugin jar). JMH's JSON goes to jmh-retry.json. (Example family plugin.)", ""},
    mixinStandardHelpOptions = true)
public final class MicroRetryCommand extends FamilyCommand.Micro {
  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), RetryPolicy.FAMILY, micro.strategies, Map.of());
    micro.validate();
    Path folder = micro.folder("retry");
    Path json = folder.resolve("jmh-retry.json");
    List<MicroLens.Score> scores = MicroLens.run(RetryBenchmark.class.getName(),
        chosen.stream().map(c -> c.descriptor().name()).toList(), Map.of(), micro.threads, micro.settings(),
        registry().plugins(), json, System.err::println);
    micro.print(out(), "retry", json, scores, List.of(), Map.of(), List.of());
    return 0;
  }
}
