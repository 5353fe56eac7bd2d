package io.strategybench.cli;

import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerBenchmark;
import io.strategybench.run.MicroLens;
import io.strategybench.run.ResultsFolder;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench micro lb}: JMH of one pick for every chosen strategy. */
@Command(name = "lb", header = "JMH: ns per pick for every chosen load-balancing strategy, by backends and threads.",
    description = {"",
        "Runs LoadBalancerBenchmark (one pick plus its in-flight bookkeeping, 8 requests in flight per caller) in "
            + "forked JVMs, and writes JMH's JSON as jmh-lb.json into the results folder.",
        ""},
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class MicroLbCommand implements Callable<Integer> {
  @ParentCommand
  MicroCommand parent;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Strategies to benchmark, or all.")
  List<String> strategies = new ArrayList<>();

  @Option(names = "--backends", paramLabel = "N", split = ",", defaultValue = "3,16,128",
      description = "Backend counts to benchmark with.")
  List<Integer> backends = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2",
      description = "Calling thread counts.")
  List<Integer> threads = new ArrayList<>();

  @Option(names = "--quick", description = "1 warm-up and 3 measured iterations of 400 ms: rough, fast.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-micro-lb in the StrategyBench home).")
  Path out;

  @Option(names = "--json", description = "Print the scores as one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(parent.bench.registry(), LoadBalancer.FAMILY, strategies, Map.of());
    for (int b : backends) {
      if (b < 1 || b > 100_000) {
        throw new IllegalArgumentException("--backends values must be 1..100000, got " + b);
      }
    }
    for (int t : threads) {
      if (t < 1 || t > 256) {
        throw new IllegalArgumentException("--threads values must be 1..256, got " + t);
      }
    }
    Path folder = out != null ? out : ResultsFolder.create(Bench.home().resolve("results"), "micro-lb");
    java.nio.file.Files.createDirectories(folder);
    List<MicroLens.Score> scores = MicroLens.run(LoadBalancerBenchmark.class.getName(),
        chosen.stream().map(c -> c.descriptor().name()).toList(),
        Map.of("backends", backends.stream().map(String::valueOf).toList()), threads,
        quick ? MicroLens.Settings.quick() : MicroLens.Settings.standard(), parent.bench.registry().plugins(),
        folder.resolve("jmh-lb.json"), line -> System.err.println(line));
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("family", "lb");
      doc.put("jmhJson", folder.resolve("jmh-lb.json").toString());
      doc.put("scores", scores);
      o.println(Json.write(doc));
    } else {
      o.printf("%-28s %9s %8s %12s %12s %14s%n", "strategy", "backends", "threads", "ns/op", "+/- ns", "ops/s total");
      for (MicroLens.Score s : scores) {
        o.printf(Locale.ROOT, "%-28s %9s %8d %12.2f %12.2f %,14d%n", s.strategy(), s.params().get("backends"),
            s.threads(), s.nsPerOp(), s.nsPerOpError(), (long) s.opsPerSecond());
      }
      o.println("JMH JSON: " + folder.resolve("jmh-lb.json"));
    }
    o.flush();
    return Bench.EXIT_OK;
  }
}
