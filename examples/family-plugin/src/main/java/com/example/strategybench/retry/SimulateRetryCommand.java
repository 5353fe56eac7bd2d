package com.example.strategybench.retry;

import io.strategybench.cli.FamilyCommand;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyContext;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench simulate retry}: clients retrying against an overloaded server, on virtual time. */
@Command(name = "retry", header = "Clients retrying against an overloaded server: calls and completion time per policy.",
    description = {"",
        "N clients each make one call within --spread; the server serves --capacity calls at once for"
            + " --service-time each and refuses a call that finds it full. A refused client waits as its policy says"
            + " and tries again, or gives up. Deterministic for a --seed. (Example family plugin.)",
        ""},
    mixinStandardHelpOptions = true)
public final class SimulateRetryCommand extends FamilyCommand.Simulate {
  @Option(names = "--clients", paramLabel = "N", split = ",", defaultValue = "10,50,100",
      description = "Client counts.")
  List<Integer> clients = new ArrayList<>();

  @Option(names = "--capacity", paramLabel = "N", defaultValue = "4", description = "Calls served at once.")
  int capacity;

  @Option(names = "--service-time", paramLabel = "MS", defaultValue = "10", description = "Milliseconds per call.")
  double serviceMillis;

  @Option(names = "--spread", paramLabel = "MS", defaultValue = "0",
      description = "The first calls fall within this many milliseconds.")
  double spreadMillis;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seeds the jitter.")
  long seed;

  @Override
  public Integer call() {
    var chosen = options.chosen(registry(), RetryPolicy.FAMILY);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (var c : chosen) {
      for (int n : clients) {
        RetrySimulator.Result r = RetrySimulator.run(c.descriptor().create(c.params(), StrategyContext.system()), n,
            capacity, serviceMillis, spreadMillis, seed);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("strategy", c.descriptor().name());
        row.putAll(Json.MAPPER.convertValue(r, Map.class));
        rows.add(row);
      }
    }
    PrintWriter out = out();
    if (options.json) {
      out.println(Json.write(Map.of("family", "retry", "results", rows)));
    } else {
      out.printf("%-22s %8s %10s %10s %8s %12s%n", "strategy", "clients", "calls", "calls/cl", "gaveUp", "done ms");
      for (Map<String, Object> r : rows) {
        out.printf(java.util.Locale.ROOT, "%-22s %8s %10s %10.2f %8s %12.1f%n", r.get("strategy"), r.get("clients"),
            r.get("calls"), ((Number) r.get("callsPerClient")).doubleValue(), r.get("gaveUp"),
            ((Number) r.get("completionMillis")).doubleValue());
      }
    }
    out.flush();
    return 0;
  }
}
