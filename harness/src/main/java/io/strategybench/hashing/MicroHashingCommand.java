package io.strategybench.hashing;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.hashing.HashingMicro;
import io.strategybench.run.MicroLens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench micro hashing}: JMH of one lookup and of building the structure, with Guava's jump hash beside. */
@Command(name = "hashing", header = "JMH: ns per lookup and per build for every chosen hashing strategy, Guava's jump hash beside.",
    description = {"",
        "Runs HashingBenchmark (lookup: one key to its node, key hashing included; build: the whole ring or table) "
            + "for every chosen strategy and node count, then JumpReferenceBenchmark: our jump hash and Guava's "
            + "Hashing.consistentHash on the same keys (labelled reference). JMH's JSON goes to jmh-hashing.json in "
            + "the results folder.",
        ""})
public final class MicroHashingCommand extends FamilyCommand.Micro {
  @Option(names = "--nodes", paramLabel = "N", split = ",", defaultValue = "10,100,1000",
      description = "Node counts to benchmark with.")
  List<Integer> nodes = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    var chosen = StrategySelection.resolve(registry(), ConsistentHash.FAMILY, micro.strategies, Map.of());
    for (int n : nodes) {
      if (n < 1 || n > 100_000) {
        throw new IllegalArgumentException("--nodes values must be 1..100000, got " + n);
      }
    }
    micro.validate();
    Path folder = micro.folder("hashing");
    List<MicroLens.Score> scores = HashingMicro.measure(chosen.stream().map(c -> c.descriptor().name()).toList(),
        nodes, micro.threads, micro.settings(), registry().plugins(), folder.resolve("jmh-hashing.json"),
        folder.resolve("jmh-hashing-reference.json"), line -> System.err.println(line));
    List<Map<String, Object>> rows = HashingMicro.jumpVsGuava(scores);
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      lines.add(String.format(Locale.ROOT, "jump hash vs Guava's consistentHash, %s nodes, %s thread(s): ours %.2f ns,"
          + " Guava's %.2f ns, Guava/ours %.3f", row.get("nodes"), row.get("threads"), row.get("jumpNsPerOp"),
          row.get("guavaNsPerOp"), row.get("ratio")));
    }
    micro.print(out(), "hashing", List.of(folder.resolve("jmh-hashing.json").toString(),
        folder.resolve("jmh-hashing-reference.json").toString()), scores, List.of("nodes"),
        Map.of("jumpVsGuava", rows), lines);
    return Bench.EXIT_OK;
  }
}
