package io.strategybench.cli;

import io.strategybench.run.MicroLens;
import io.strategybench.run.ResultsFolder;
import io.strategybench.server.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every {@code bench micro FAMILY} command takes: which strategies, how many calling threads, how long
 * JMH measures, where its JSON goes, and whether to print JSON.
 */
public final class MicroOptions {
  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Strategies to benchmark, or all.")
  public List<String> strategies = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2",
      description = "Calling thread counts.")
  public List<Integer> threads = new ArrayList<>();

  @Option(names = "--quick", description = "1 warm-up and 3 measured iterations of 400 ms: rough, fast.")
  public boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-micro-FAMILY in the StrategyBench home).")
  public Path out;

  @Option(names = "--json", description = "Print the scores as one JSON document instead of a table.")
  public boolean json;

  /** How long JMH measures. */
  public MicroLens.Settings settings() {
    return quick ? MicroLens.Settings.quick() : MicroLens.Settings.standard();
  }

  /** Checks the thread counts: 1 to 256. */
  public void validate() {
    for (int t : threads) {
      if (t < 1 || t > 256) {
        throw new IllegalArgumentException("--threads values must be 1..256, got " + t);
      }
    }
  }

  /** The results folder of {@code family}'s benchmark, created. */
  public Path folder(String family) throws IOException {
    Path folder = out != null ? out : ResultsFolder.create(Bench.home().resolve("results"), "micro-" + family);
    return Files.createDirectories(folder);
  }

  /**
   * Prints the scores: JSON with {@code --json} ({@code family}, {@code jmhJson}, {@code scores} and the
   * {@code extras}), else a table with one column per parameter in {@code params}, then the {@code lines}.
   */
  public void print(PrintWriter o, String family, Object jmhJson, List<MicroLens.Score> scores, List<String> params,
      Map<String, Object> extras, List<String> lines) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("family", family);
      doc.put("jmhJson", jmhJson instanceof Path p ? p.toString() : jmhJson);
      doc.put("scores", scores);
      doc.putAll(extras);
      o.println(Json.write(doc));
      o.flush();
      return;
    }
    StringBuilder head = new StringBuilder(String.format("%-28s %-14s", "strategy", "benchmark"));
    params.forEach(p -> head.append(String.format(" %10s", p)));
    o.println(head.append(String.format(" %8s %12s %12s %14s", "threads", "ns/op", "+/- ns", "ops/s total")));
    for (MicroLens.Score s : scores) {
      String name = s.strategy().equals(MicroLens.REFERENCE) && s.params().containsKey("implementation")
          ? s.params().get("implementation") : s.strategy();
      StringBuilder row = new StringBuilder(String.format("%-28s %-14s", name, s.benchmark()));
      params.forEach(p -> row.append(String.format(" %10s", s.params().getOrDefault(p, "-"))));
      o.println(row.append(String.format(java.util.Locale.ROOT, " %8d %12.2f %12.2f %,14d", s.threads(), s.nsPerOp(),
          s.nsPerOpError(), (long) s.opsPerSecond())));
    }
    lines.forEach(o::println);
    o.println("JMH JSON: " + jmhJson);
    o.flush();
  }
}
