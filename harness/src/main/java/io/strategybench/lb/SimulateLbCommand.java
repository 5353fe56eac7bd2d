package io.strategybench.lb;

import io.strategybench.cli.OptionTable;
import io.strategybench.cli.FamilyCommand;
import io.strategybench.cli.Bench;
import io.strategybench.cli.StrategySelection;
import io.strategybench.cli.NanosConverter;
import io.strategybench.backend.Durations;
import io.strategybench.lb.LbSimulationResult;
import io.strategybench.lb.LbWorkload;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.lb.LoadBalancerSimulator;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench simulate lb}: the load-balancing simulation. */
@Command(name = "lb", header = "Simulate load balancing: share per backend, response times, imbalance, failed-backend hits.",
    description = {"",
        "Requests arrive (Poisson or evenly spaced) at --rate for --duration of virtual time; each strategy picks a "
            + "backend among --backends simulated ones (capacities, queues, service times and faults from the --sim-* "
            + "options), with the same passive and active health as the target server and one retry on a refused "
            + "connection. Reports per strategy: share of requests per backend, response-time percentiles (queueing "
            + "included), share and peak in-flight imbalance (max/mean), requests sent to a failed backend, "
            + "stickiness. The same options and seed give the same output, byte for byte.",
        ""})
public final class SimulateLbCommand extends FamilyCommand.Simulate implements OptionTable.Host {
  @Option(names = "--backends", paramLabel = "N", defaultValue = "4", description = "Number of simulated backends.")
  int backends;

  private final OptionTable.Bound<PoolOptions> pool = OptionTable.of(PoolOptions.class).bind();

  @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "1500", description = "Mean arrivals per second.")
  double rate;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = NanosConverter.class,
      description = "Virtual time over which requests arrive.")
  long durationNanos;

  @Option(names = "--arrivals", paramLabel = "KIND", defaultValue = "poisson",
      description = "poisson (exponential gaps) or constant (even gaps).")
  String arrivals;

  @Option(names = "--clients", paramLabel = "N", defaultValue = "1000", description = "Distinct client addresses.")
  int clients;

  @Option(names = "--sessions", paramLabel = "N", defaultValue = "200", description = "Distinct sessions.")
  int sessions;

  private final OptionTable.Bound<HealthOptions> health = OptionTable.of(HealthOptions.class).bind();

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of every random choice.")
  long seed;

  @Override
  public java.util.Map<String, OptionTable.Bound<?>> optionTables() {
    return java.util.Map.of("pool", pool, "health", health);
  }

  @Override
  public Integer call() {
    var chosen = StrategySelection.resolve(registry(), LoadBalancer.FAMILY, options.strategies, options.params);
    LbWorkload workload = workload();
    List<LbSimulationResult> results = new ArrayList<>();
    int i = 0;
    for (var strategy : chosen) {
      progress("simulating %s (%d/%d)...", strategy.descriptor().name(), ++i, chosen.size());
      results.add(LoadBalancerSimulator.run(strategy.descriptor(), strategy.params(), workload));
    }
    return print(Map.of("workload", describe(workload)), results, out -> printTable(out, workload, results));
  }

  LbWorkload workload() {
    if (!arrivals.equals("poisson") && !arrivals.equals("constant")) {
      throw new IllegalArgumentException("--arrivals must be poisson or constant, got '" + arrivals + "'");
    }
    return new LbWorkload(pool.values().build(backends), rate, arrivals.equals("poisson"), durationNanos, clients, sessions,
        health.values().policy(), seed);
  }

  static Map<String, Object> describe(LbWorkload w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("backends", w.backends().stream().map(b -> {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("name", b.name());
      bm.put("weight", b.weight());
      bm.put("capacity", b.capacity());
      bm.put("queueLimit", b.queueLimit());
      bm.put("serviceTime", b.serviceTime().toString());
      bm.put("responseBytes", b.responseBytes());
      bm.put("faults", b.faults().stream().map(Object::toString).toList());
      return bm;
    }).toList());
    m.put("rateRps", w.rate());
    m.put("arrivals", w.poisson() ? "poisson" : "constant");
    m.put("duration", Durations.format(w.durationNanos()));
    m.put("clients", w.clients());
    m.put("sessions", w.sessions());
    m.put("seed", w.seed());
    return m;
  }

  static void printTable(PrintWriter out, LbWorkload w, List<LbSimulationResult> results) {
    out.printf("lb simulation: %d backends, %s arrivals at %.0f/s for %s, seed %d%n", w.backends().size(),
        w.poisson() ? "poisson" : "constant", w.rate(), Durations.format(w.durationNanos()), w.seed());
    out.printf("%-28s %9s %7s %9s %9s %9s %9s %9s %9s %7s  %s%n", "strategy", "requests", "errors", "p50 ms",
        "p99 ms", "p99.9 ms", "share-imb", "flight-imb", "to-failed", "sticky", "share per backend");
    for (LbSimulationResult r : results) {
      out.printf(Locale.ROOT, "%-28s %9d %7d %9.3f %9.3f %9.3f %9.3f %9.3f %9d %7.3f  %s%n", r.strategy(),
          r.requests(), r.errors(), ms(r.latency().get("p50Micros")), ms(r.latency().get("p99Micros")),
          ms(r.latency().get("p999Micros")), r.shareImbalance(), r.peakInFlightImbalance(),
          r.requestsToFailedBackend(), r.stickiness(), shares(r.backends()));
    }
  }

  static double ms(Object micros) {
    return ((Number) micros).doubleValue() / 1000.0;
  }

  static String shares(List<Map<String, Object>> backends) {
    if (backends.size() > 8) {
      double min = backends.stream().mapToDouble(b -> ((Number) b.get("share")).doubleValue()).min().orElse(0);
      double max = backends.stream().mapToDouble(b -> ((Number) b.get("share")).doubleValue()).max().orElse(0);
      return String.format(Locale.ROOT, "min %.2f%% max %.2f%% over %d", min * 100, max * 100, backends.size());
    }
    StringBuilder s = new StringBuilder();
    for (Map<String, Object> b : backends) {
      s.append(String.format(Locale.ROOT, "%s %.1f%% ", b.get("name"), ((Number) b.get("share")).doubleValue() * 100));
    }
    return s.toString().trim();
  }
}
