package io.strategybench.lb;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerBenchmark;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench micro lb}: JMH of one pick for every chosen strategy. */
@Command(name = "lb", header = "JMH: ns per pick for every chosen load-balancing strategy, by backends and threads.",
    description = {"",
        "Runs LoadBalancerBenchmark (one pick plus its in-flight bookkeeping, 8 requests in flight per caller) in "
            + "forked JVMs, and writes JMH's JSON as jmh-lb.json into the results folder.",
        ""})
public final class MicroLbCommand extends FamilyCommand.Micro {
  @Option(names = "--backends", paramLabel = "N", split = ",", defaultValue = "3,16,128",
      description = "Backend counts to benchmark with.")
  List<Integer> backends = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), LoadBalancer.FAMILY, micro.strategies, Map.of());
    for (int b : backends) {
      if (b < 1 || b > 100_000) {
        throw new IllegalArgumentException("--backends values must be 1..100000, got " + b);
      }
    }
    micro.validate();
    Path folder = micro.folder("lb");
    List<MicroLens.Score> scores = MicroLens.run(LoadBalancerBenchmark.class.getName(),
        chosen.stream().map(c -> c.descriptor().name()).toList(),
        Map.of("backends", backends.stream().map(String::valueOf).toList()), micro.threads, micro.settings(),
        registry().plugins(), folder.resolve("jmh-lb.json"), line -> System.err.println(line));
    micro.print(out(), "lb", folder.resolve("jmh-lb.json"), scores, List.of("backends"),
        Map.of(), List.of());
    return Bench.EXIT_OK;
  }
}
