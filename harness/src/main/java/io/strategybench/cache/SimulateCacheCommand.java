package io.strategybench.cache;

import io.strategybench.cli.OptionTable;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.cache.CachePolicy;
import io.strategybench.cache.CacheSimulationResult;
import io.strategybench.cache.CacheSimulator;
import io.strategybench.cache.Capacity;
import io.strategybench.cache.Trace;
import io.strategybench.cache.TraceFormat;
import io.strategybench.cache.TraceReader;
import io.strategybench.cache.Workloads;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code bench simulate cache}: hit ratio of each eviction policy at each capacity on a trace or workload. */
@Command(name = "cache", header = "Simulate cache policies: hits, hit ratio, byte hit ratio and evictions at each capacity.",
    description = {"",
        "Replays a trace file (--trace, in --format) or a synthetic workload (--workload) through every chosen"
            + " policy at every --capacity, as a reference simulator does: every request is a lookup, a miss inserts"
            + " the key (the policy evicts first), no warm-up. opt is Belady's optimum, which reads the future from"
            + " the trace: the upper bound at each capacity.",
        "",
        "Formats: lirs (one non-negative integer key per line; blank lines and '*' skipped), lines (one key per"
            + " line, any text), arc ('start count ...' per line, expanded into count requests start..start+count-1),"
            + " oracleGeneral (libCacheSim's 24-byte records: u32 time, u64 id, u32 size, i64 next access; weighted"
            + " by size). Any of them may be gzip-compressed.",
        "",
        "Workloads: zipf:s=0.99,keys=100000,requests=1000000; scan:requests=N; loop:keys=N,requests=R;"
            + " hotspot:keys=N,hot=0.1,share=0.9,requests=R; zipf-scan:s=0.99,keys=N,requests=R,scan-share=0.2,"
            + "scan-length=L (Zipf with scans of new keys mixed in).",
        ""})
public final class SimulateCacheCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  private final OptionTable.Bound<CacheSimulateOptions> table = OptionTable.of(CacheSimulateOptions.class).bind();

  @Override
  public Map<String, OptionTable.Bound<?>> optionTables() {
    return Map.of("simulate-options", table);
  }

  @Override
  public Integer call() throws Exception {
    CacheSimulateOptions o = table.values();
    var chosen = StrategySelection.resolve(registry(), CachePolicy.FAMILY, options.strategies, options.params);
    for (var c : chosen) {
      if (c.params().containsKey("capacity")) {
        throw new IllegalArgumentException("--param capacity: give the capacity with --capacity");
      }
    }
    TraceFormat traceFormat = TraceFormat.named(o.format());
    progress(o.trace() != null ? "reading " + o.trace() + "..."
        : "generating " + Workloads.describe(o.workload()) + "...");
    Trace requests = o.trace() != null ? TraceReader.read(o.trace(), traceFormat)
        : Workloads.generate(o.workload(), o.seed());
    List<Capacity> sizes = new ArrayList<>();
    for (String text : o.capacities()) {
      sizes.add(Capacity.parse(text, requests, "--capacity"));
    }
    long[] nextAccess = chosen.stream().anyMatch(c -> c.descriptor().name().equals("opt")
        || io.strategybench.cache.ClairvoyantPolicy.class.isAssignableFrom(c.descriptor().type()))
        ? requests.nextAccess() : null;
    List<CacheSimulationResult> results = new ArrayList<>();
    for (var c : chosen) {
      for (Capacity size : sizes) {
        progress("simulating %s at %s on %s...", c.descriptor().name(), size, requests);
        results.add(CacheSimulator.run(c.descriptor(), c.params(), requests, size.value(), size.bytes(), nextAccess,
            o.seed()));
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("workload", requests.name());
    doc.put("format", o.trace() != null ? traceFormat.cliName() : "synthetic");
    doc.put("requests", requests.requests());
    doc.put("distinctKeys", requests.distinctKeys());
    if (requests.hasSizes()) {
      doc.put("footprintBytes", requests.footprintBytes());
    }
    return print(doc, results, out -> {
      out.printf("%s: %d requests, %d distinct keys%n", requests.name(), requests.requests(), requests.distinctKeys());
      printTable(out, results);
    });
  }

  static void printTable(PrintWriter out, List<CacheSimulationResult> results) {
    out.printf("%-12s %14s %10s %10s %9s %9s %10s%n", "strategy", "capacity", "requests", "hits", "hit %", "byte %",
        "evictions");
    for (CacheSimulationResult r : results) {
      out.printf(Locale.ROOT, "%-12s %14s %10d %10d %9.3f %9.3f %10d%n", r.strategy(),
          r.capacity() + (r.capacityUnit().equals("bytes") ? " B" : ""), r.requests(), r.hits(), r.hitRatio() * 100,
          r.byteHitRatio() * 100, r.evictions());
    }
  }
}
