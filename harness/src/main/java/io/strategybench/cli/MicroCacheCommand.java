package io.strategybench.cli;

import io.strategybench.cache.CacheMicro;
import io.strategybench.cache.CachePolicy;
import io.strategybench.cache.ClairvoyantPolicy;
import io.strategybench.run.MicroLens;
import io.strategybench.run.ResultsFolder;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
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

/** {@code bench micro cache}: JMH of get and put per policy, Caffeine and ConcurrentHashMap beside. */
@Command(name = "cache", header = "JMH: ns per get and per put in a concurrent cache run by each policy, Caffeine beside.",
    description = {"",
        "Runs CacheBenchmark for every chosen policy: a concurrent cache (values in a ConcurrentHashMap, reads recorded"
            + " in striped buffers and replayed into the policy under a lock, BP-Wrapper style) of --capacity entries,"
            + " filled, then get and put of keys drawn from Zipf(0.99) over 100,000 keys, with --threads callers. Then"
            + " CacheReferenceBenchmark: Caffeine's bounded cache and a plain ConcurrentHashMap on the same keys"
            + " (labelled reference), and the ratio of each policy to Caffeine. opt reads the future and has no"
            + " micro lens.",
        ""},
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class MicroCacheCommand implements Callable<Integer> {
  @ParentCommand
  MicroCommand parent;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Policies to benchmark, or all (opt excluded).")
  List<String> strategies = new ArrayList<>();

  @Option(names = "--capacity", paramLabel = "N", split = ",", defaultValue = "10000",
      description = "Cache capacities in entries.")
  List<Integer> capacities = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2", description = "Calling thread counts.")
  List<Integer> threads = new ArrayList<>();

  @Option(names = "--no-references", description = "Skip Caffeine and ConcurrentHashMap.")
  boolean noReferences;

  @Option(names = "--quick", description = "1 warm-up and 3 measured iterations of 400 ms: rough, fast.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-micro-cache in the StrategyBench home).")
  Path out;

  @Option(names = "--json", description = "Print the scores as one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(parent.bench.registry(), CachePolicy.FAMILY, strategies, Map.of());
    List<String> names = new ArrayList<>();
    for (var c : chosen) {
      if (ClairvoyantPolicy.class.isAssignableFrom(c.descriptor().type())) {
        if (!strategies.contains("all") && strategies.contains(c.descriptor().name())) {
          throw new IllegalArgumentException("--strategy " + c.descriptor().name() + " reads the future and runs in"
              + " the simulate lens only");
        }
        continue;
      }
      names.add(c.descriptor().name());
    }
    for (int c : capacities) {
      if (c < 1 || c > 10_000_000) {
        throw new IllegalArgumentException("--capacity values must be 1..10000000 entries, got " + c);
      }
    }
    for (int t : threads) {
      if (t < 1 || t > 256) {
        throw new IllegalArgumentException("--threads values must be 1..256, got " + t);
      }
    }
    Path folder = out != null ? out : ResultsFolder.create(Bench.home().resolve("results"), "micro-cache");
    Files.createDirectories(folder);
    List<MicroLens.Score> scores = CacheMicro.measure(names, capacities, threads,
        quick ? MicroLens.Settings.quick() : MicroLens.Settings.standard(), parent.bench.registry().plugins(),
        folder.resolve("jmh-cache.json"), noReferences ? null : folder.resolve("jmh-cache-reference.json"),
        line -> System.err.println(line));
    List<Map<String, Object>> versus = CacheMicro.versusReferences(scores);
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("family", "cache");
      doc.put("jmhJson", folder.toString());
      doc.put("scores", scores);
      doc.put("versusCaffeine", versus);
      o.println(Json.write(doc));
    } else {
      o.printf("%-22s %-6s %9s %8s %12s %10s%n", "strategy", "op", "capacity", "threads", "ns/op", "+/- ns");
      for (MicroLens.Score s : scores) {
        String name = s.strategy().equals(MicroLens.REFERENCE) ? s.params().get("implementation") : s.strategy();
        o.printf(Locale.ROOT, "%-22s %-6s %9s %8d %12.2f %10.2f%n", name, s.benchmark(), s.params().get("capacity"),
            s.threads(), s.nsPerOp(), s.nsPerOpError());
      }
      for (Map<String, Object> row : versus) {
        o.printf(Locale.ROOT, "%s %s vs Caffeine, %s thread(s): ours %.1f ns, Caffeine %.1f ns, ours/Caffeine %.2f",
            row.get("strategy"), row.get("operation"), row.get("threads"), row.get("oursNsPerOp"),
            row.get("caffeineNsPerOp"), row.get("ratio"));
        if (row.containsKey("ratioSameThread")) {
          o.printf(Locale.ROOT, "; Caffeine maintaining on the calling thread %.1f ns, ours/that %.2f",
              row.get("caffeineSameThreadNsPerOp"), row.get("ratioSameThread"));
        }
        o.println();
      }
      o.println("JMH JSON in " + folder);
    }
    o.flush();
    return Bench.EXIT_OK;
  }
}
