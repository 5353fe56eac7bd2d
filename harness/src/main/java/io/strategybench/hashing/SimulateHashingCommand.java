package io.strategybench.hashing;

import io.strategybench.cli.OptionTable;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.hashing.HashNode;
import io.strategybench.hashing.HashingSimulationResult;
import io.strategybench.hashing.HashingSimulator;
import io.strategybench.server.Json;
import io.strategybench.strategy.SettingDescriptor;
import io.strategybench.strategy.StrategyContext;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench simulate hashing}: balance, movement, lookup speed, build time and memory of each ring. */
@Command(name = "hashing", header = "Simulate consistent hashing: balance, keys moved when a node joins or leaves, speed, memory.",
    description = {"",
        "Places --keys keys on each --nodes count of nodes with every chosen strategy and reports: peak-to-mean "
            + "and relative standard deviation of keys per node (beside what the same keys thrown at random would "
            + "show: sampling's floor); the fraction of keys that move when one node is "
            + "added and when the middle node is removed, beside the optimum (1/(N+1) and the removed node's "
            + "share); monotonicity violations (keys that move between two nodes that both stayed); lookup time, "
            + "build time and the structure's memory. --vnodes gives the vnodes parameter of the strategies that "
            + "have one, one record each. With --key, prints which node each key goes to instead.",
        ""})
public final class SimulateHashingCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  private final OptionTable.Bound<HashingSimulateOptions> table = OptionTable.of(HashingSimulateOptions.class).bind();

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("simulate-options", table);
  }

  @Override
  public Integer call() {
    HashingSimulateOptions o = table.values();
    Map<String, String> common = new LinkedHashMap<>(options.params);
    if (o.hash() != null) {
      common.put("hash", o.hash());
    }
    var chosen = StrategySelection.resolve(registry(), ConsistentHash.FAMILY, options.strategies, common);
    for (int n : o.nodes()) {
      if (HashingSimulator.nodesProblem(n) != null) {
        throw new IllegalArgumentException("--nodes " + HashingSimulator.nodesProblem(n));
      }
    }
    if (HashingSimulator.keysProblem(o.keys()) != null) {
      throw new IllegalArgumentException("--keys " + HashingSimulator.keysProblem(o.keys()));
    }
    PrintWriter out = out();
    if (!o.lookups().isEmpty()) {
      return lookup(chosen, out, o);
    }
    List<HashingSimulationResult> results = new ArrayList<>();
    for (var strategy : chosen) {
      boolean hasVnodes = strategy.descriptor().settings().stream().map(SettingDescriptor::name)
          .anyMatch("vnodes"::equals);
      List<Integer> vnodeValues = hasVnodes && !o.vnodes().isEmpty() ? o.vnodes()
          : java.util.Collections.singletonList(null);
      for (int n : o.nodes()) {
        for (Integer v : vnodeValues) {
          Map<String, String> p = new LinkedHashMap<>(strategy.params());
          if (v != null) {
            p.put("vnodes", String.valueOf(v));
          }
          progress("simulating %s, %d nodes%s...", strategy.descriptor().name(), n, v == null ? "" : ", " + v + " vnodes");
          results.add(HashingSimulator.run(strategy.descriptor(), p, n, o.keys(), o.seed()));
        }
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("keys", o.keys());
    doc.put("seed", o.seed());
    return print(doc, results, table -> printTable(table, results));
  }

  private int lookup(List<StrategySelection.Chosen<ConsistentHash>> chosen, PrintWriter out,
      HashingSimulateOptions o) {
    if (o.nodes().size() != 1) {
      throw new IllegalArgumentException("--key looks up keys on one node count; give a single --nodes N");
    }
    List<HashNode> ring = new ArrayList<>();
    for (int i = 1; i <= o.nodes().get(0); i++) {
      ring.add(HashNode.of("n" + i, 1));
    }
    for (var strategy : chosen) {
      ConsistentHash h = strategy.descriptor().create(strategy.params(), StrategyContext.system());
      h.setNodes(ring);
      for (String key : o.lookups()) {
        out.printf("%s\t%s\t%s%n", strategy.descriptor().name(), key, h.nodeFor(key).name());
      }
    }
    out.flush();
    return Bench.EXIT_OK;
  }

  static void printTable(PrintWriter out, List<HashingSimulationResult> results) {
    out.printf("%-14s %-12s %6s %10s %9s %15s %16s %16s %15s %9s %9s %10s%n", "strategy", "params", "nodes", "keys",
        "peak/mean", "rsd % (random)", "moved add (opt)", "moved rm (opt)", "viol. add/rm", "lookup ns", "build ms",
        "memory KiB");
    for (HashingSimulationResult r : results) {
      String params = r.parameters().containsKey("vnodes") ? "vnodes=" + r.parameters().get("vnodes") : "";
      out.printf(Locale.ROOT, "%-14s %-12s %6d %10d %9.3f %6.2f (%6.2f) %7.4f (%.4f) %7.4f (%.4f) %15s %9.1f %9.2f"
          + " %10.1f%n", r.strategy(), params, r.nodes(), r.keys(), r.peakToMean(), r.relStdDev() * 100,
          r.randomRelStdDev() * 100, r.movedOnAdd(), r.optimumOnAdd(), r.movedOnRemove(), r.optimumOnRemove(),
          r.violationsOnAdd() + "/" + r.violationsOnRemove(), r.lookupNanos(), r.buildMillis(),
          r.memoryBytes() / 1024.0);
    }
  }
}
