package io.strategybench.cache;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cache.CacheMicro;
import io.strategybench.cache.CachePolicy;
import io.strategybench.cache.ClairvoyantPolicy;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench micro cache}: JMH of get and put per policy, Caffeine and ConcurrentHashMap beside. */
@Command(name = "cache", header = "JMH: ns per get and per put in a concurrent cache run by each policy, Caffeine beside.",
    description = {"",
        "Runs CacheBenchmark for every chosen policy: a concurrent cache (values in a ConcurrentHashMap, reads recorded"
            + " in striped buffers and replayed into the policy under a lock, BP-Wrapper style) of --capacity entries,"
            + " filled, then get and put of keys drawn from Zipf(0.99) over 100,000 keys, with --threads callers. Then"
            + " CacheReferenceBenchmark: Caffeine's bounded cache and a plain ConcurrentHashMap on the same keys"
            + " (labelled reference), and the ratio of each policy to Caffeine. opt reads the future and has no"
            + " micro lens.",
        ""})
public final class MicroCacheCommand extends FamilyCommand.Micro {
  @Option(names = "--capacity", paramLabel = "N", split = ",", defaultValue = "10000",
      description = "Cache capacities in entries.")
  List<Integer> capacities = new ArrayList<>();

  @Option(names = "--no-references", description = "Skip Caffeine and ConcurrentHashMap.")
  boolean noReferences;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), CachePolicy.FAMILY, micro.strategies, Map.of());
    List<String> names = new ArrayList<>();
    for (var c : chosen) {
      if (ClairvoyantPolicy.class.isAssignableFrom(c.descriptor().type())) {
        if (!micro.strategies.contains("all") && micro.strategies.contains(c.descriptor().name())) {
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
    micro.validate();
    Path folder = micro.folder("cache");
    List<MicroLens.Score> scores = CacheMicro.measure(names, capacities, micro.threads, micro.settings(),
        registry().plugins(), folder.resolve("jmh-cache.json"),
        noReferences ? null : folder.resolve("jmh-cache-reference.json"), line -> System.err.println(line));
    List<Map<String, Object>> versus = CacheMicro.versusReferences(scores);
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> row : versus) {
      String line = String.format(Locale.ROOT, "%s %s vs Caffeine, %s thread(s): ours %.1f ns, Caffeine %.1f ns,"
          + " ours/Caffeine %.2f", row.get("strategy"), row.get("operation"), row.get("threads"),
          row.get("oursNsPerOp"), row.get("caffeineNsPerOp"), row.get("ratio"));
      if (row.containsKey("ratioSameThread")) {
        line += String.format(Locale.ROOT, "; Caffeine maintaining on the calling thread %.1f ns, ours/that %.2f",
            row.get("caffeineSameThreadNsPerOp"), row.get("ratioSameThread"));
      }
      lines.add(line);
    }
    micro.print(out(), "cache", folder, scores, List.of("capacity"),
        Map.of("versusCaffeine", versus), lines);
    return Bench.EXIT_OK;
  }
}
