package io.strategybench.idempotency;

import static io.strategybench.report.ReportWriter.div;
import static io.strategybench.report.ReportWriter.num;

import io.strategybench.report.Charts;
import io.strategybench.report.FamilySection;
import io.strategybench.report.ReportWriter;
import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The idempotency family's section: per store, the duplicates the simulation finds at each lock TTL and with
 * crashes, the cost of one attempt beside its server's raw round trip (JMH), and what the load run through three
 * instances, one killed, counted: effects, duplicates, replays, 409s.
 */
final class IdempotencySection extends FamilySection {
  IdempotencySection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head("Clients that retry a POST with an Idempotency-Key (Stripe's design, the IETF draft): how many orders each"
        + " store lets one key create. The simulation runs retrying clients, crashing instances and lock TTLs on a"
        + " virtual clock; JMH times one attempt of a new key beside the raw round trip of the store's server;"
        + " the load run sends each key several times at once and again after a timeout through three instances"
        + " behind a round-robin front, one instance killed and started again mid-run.", columns());
    charts();
    report.checksAndFiles(family);
  }

  /** The simulation run at lock TTL {@code index} of the plan (0: the first, the shortest by convention). */
  private static Map<String, Object> simulated(StrategyResults s, int index) {
    if (s.simulate == null) {
      return null;
    }
    List<Map<String, Object>> runs = ReportWriter.maps(s.simulate.get("runs"));
    return index < runs.size() ? runs.get(index) : null;
  }

  private static Double micro(StrategyResults s, String method) {
    if (s.micro == null) {
      return null;
    }
    for (Map<String, Object> b : ReportWriter.maps(s.micro.get("benchmarks"))) {
      if (method.equals(b.get("benchmark"))) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("sim dup", "simulate: orders beyond one per key, at the plan's first lock TTL", "%.0f",
        -1, s -> simulated(s, 0) == null ? null : num(simulated(s, 0), "duplicates")));
    columns.add(Column.number("sim 409", "simulate: attempts answered 409 (the key in flight), first lock TTL",
        "%.0f", -1, s -> simulated(s, 0) == null ? null : num(simulated(s, 0), "conflicts409")));
    columns.add(Column.number("stuck ms", "simulate: longest time a key was held by an attempt whose instance had"
        + " died", "%.0f", -1, s -> simulated(s, 0) == null ? null : num(simulated(s, 0), "stuckKeyMillisMax")));
    columns.add(Column.number("attempt µs", "JMH: one attempt of a new key (begin, effect, store), 1 thread", "%.2f",
        -1, s -> div(micro(s, "attempt"), 1000)));
    columns.add(Column.number("server µs", "JMH: the raw round trip of the store's server (PING, SELECT 1) on a"
        + " connection of its own, in the same run", "%.2f", -1, s -> div(micro(s, "serverRoundTrip"), 1000)));
    columns.add(Column.number("load dup", "load: orders beyond one per key over the run, one instance killed",
        "%.0f", -1, s -> s.load == null ? null : num(s.load, "idempotency.duplicates")));
    columns.add(Column.number("replays", "load: stored responses answered again", "%.0f", 0,
        s -> s.load == null ? null : num(s.load, "idempotency.replays")));
    columns.add(Column.number("409s", "load: attempts answered 409 while the key was in flight", "%.0f", 0,
        s -> s.load == null ? null : num(s.load, "idempotency.conflicts409")));
    columns.add(Column.load("p99 ms", "load: client 99th percentile (ms), 95% interval in brackets", "%.1f", -1,
        "client.p99Millis", "p99Millis", 1));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  private void charts() throws IOException {
    Map<String, Map<String, Double>> duplicates = new LinkedHashMap<>();
    Map<String, Map<String, Double>> cost = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      if (s.simulate != null) {
        for (Map<String, Object> r : ReportWriter.maps(s.simulate.get("runs"))) {
          String series = String.format(java.util.Locale.ROOT, "simulate, lock TTL %.0f ms%s",
              num(r, "lockTtlMillis"), Boolean.TRUE.equals(r.get("withCrashes")) ? ", crashes" : "");
          duplicates.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(s.strategy, num(r, "duplicates"));
        }
      }
      if (s.load != null && num(s.load, "idempotency.duplicates") != null) {
        duplicates.computeIfAbsent("load, one instance killed", k -> new LinkedHashMap<>())
            .put(s.strategy, num(s.load, "idempotency.duplicates"));
      }
      if (micro(s, "attempt") != null) {
        cost.computeIfAbsent("one attempt", k -> new LinkedHashMap<>()).put(s.strategy, div(micro(s, "attempt"), 1000));
        Double raw = micro(s, "serverRoundTrip");
        if (raw != null) {
          cost.computeIfAbsent("server round trip", k -> new LinkedHashMap<>()).put(s.strategy, div(raw, 1000));
        }
      }
    }
    if (!duplicates.isEmpty()) {
      report.chart(Charts.bars("idempotency-duplicates", "Orders beyond one per key (0 is right)", "duplicates",
          duplicates, false, 760, 120 + 40 * strategies.size()));
    }
    if (!cost.isEmpty()) {
      report.chart(Charts.bars("idempotency-cost", "One attempt beside its server's round trip (µs)", "µs", cost,
          false, 760, 100 + 36 * strategies.size()));
    }
  }
}
