package io.strategybench.cli;

import io.strategybench.hashing.ConsistentHash;
import io.strategybench.hashing.HashingMicro;
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

/** {@code bench micro hashing}: JMH of one lookup and of building the structure, with Guava's jump hash beside. */
@Command(name = "hashing", header = "JMH: ns per lookup and per build for every chosen hashing strategy, Guava's jump hash beside.",
    description = {"",
        "Runs HashingBenchmark (lookup: one key to its node, key hashing included; build: the whole ring or table) "
            + "for every chosen strategy and node count, then JumpReferenceBenchmark: our jump hash and Guava's "
            + "Hashing.consistentHash on the same keys (labelled reference). JMH's JSON goes to jmh-hashing.json in "
            + "the results folder.",
        ""},
    mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false)
final class MicroHashingCommand implements Callable<Integer> {
  @ParentCommand
  MicroCommand parent;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "NAME", split = ",", defaultValue = "all",
      description = "Strategies to benchmark, or all.")
  List<String> strategies = new ArrayList<>();

  @Option(names = "--nodes", paramLabel = "N", split = ",", defaultValue = "10,100,1000",
      description = "Node counts to benchmark with.")
  List<Integer> nodes = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1", description = "Calling thread counts.")
  List<Integer> threads = new ArrayList<>();

  @Option(names = "--quick", description = "1 warm-up and 3 measured iterations of 400 ms: rough, fast.")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-micro-hashing in the StrategyBench home).")
  Path out;

  @Option(names = "--json", description = "Print the scores as one JSON document instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(parent.bench.registry(), ConsistentHash.FAMILY, strategies, Map.of());
    for (int n : nodes) {
      if (n < 1 || n > 100_000) {
        throw new IllegalArgumentException("--nodes values must be 1..100000, got " + n);
      }
    }
    Path folder = out != null ? out : ResultsFolder.create(Bench.home().resolve("results"), "micro-hashing");
    Files.createDirectories(folder);
    List<MicroLens.Score> scores = HashingMicro.measure(chosen.stream().map(c -> c.descriptor().name()).toList(),
        nodes, threads, quick ? MicroLens.Settings.quick() : MicroLens.Settings.standard(), parent.bench.registry().plugins(),
        folder.resolve("jmh-hashing.json"), folder.resolve("jmh-hashing-reference.json"),
        line -> System.err.println(line));
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("family", "hashing");
      doc.put("jmhJson", List.of(folder.resolve("jmh-hashing.json").toString(),
          folder.resolve("jmh-hashing-reference.json").toString()));
      doc.put("scores", scores);
      doc.put("jumpVsGuava", HashingMicro.jumpVsGuava(scores));
      o.println(Json.write(doc));
    } else {
      o.printf("%-14s %-10s %7s %8s %14s %12s%n", "strategy", "benchmark", "nodes", "threads", "ns/op", "+/- ns");
      for (MicroLens.Score s : scores) {
        o.printf(Locale.ROOT, "%-14s %-10s %7s %8d %14.2f %12.2f%n", s.strategy(), s.benchmark(),
            s.params().get("nodes"), s.threads(), s.nsPerOp(), s.nsPerOpError());
      }
      for (Map<String, Object> row : HashingMicro.jumpVsGuava(scores)) {
        o.printf(Locale.ROOT, "jump hash vs Guava's consistentHash, %s nodes, %s thread(s): ours %.2f ns, Guava's %.2f"
            + " ns, Guava/ours %.3f%n", row.get("nodes"), row.get("threads"), row.get("jumpNsPerOp"),
            row.get("guavaNsPerOp"), row.get("ratio"));
      }
      o.println("JMH JSON: " + folder.resolve("jmh-hashing.json") + ", " + folder.resolve("jmh-hashing-reference.json"));
    }
    o.flush();
    return Bench.EXIT_OK;
  }
}
