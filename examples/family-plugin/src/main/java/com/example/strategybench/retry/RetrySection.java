package com.example.strategybench.retry;

import io.strategybench.report.FamilySection;
import io.strategybench.report.ReportWriter;
import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The retry family's section of the report: per policy, the simulation's calls and completion, JMH, the load run. */
final class RetrySection extends FamilySection {
  RetrySection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() {
    head("Clients retrying against an overloaded server, as in \"Exponential Backoff and Jitter\" (AWS Architecture"
        + " Blog): the calls the server received for the clients' one call each (its work), when the last client got"
        + " its answer, and what the policy does under load through the target's retry stage. (A plugin family.)",
        columns());
    report.checksAndFiles(family);
  }

  /** The simulation at the largest client count. */
  private static Double simulated(StrategyResults s, String key) {
    if (s.simulate == null) {
      return null;
    }
    List<Map<String, Object>> runs = ReportWriter.maps(s.simulate.get("runs"));
    return runs.isEmpty() ? null : ReportWriter.num(runs.get(runs.size() - 1), key);
  }

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("calls/client", "simulate: calls the server received per client, at the largest client"
        + " count (1 is the least: every first call served)", "%.2f", -1, s -> simulated(s, "callsPerClient")));
    columns.add(Column.number("done ms", "simulate: when the last client got its answer (ms)", "%.0f", -1,
        s -> simulated(s, "completionMillis")));
    columns.add(Column.number("gave up", "simulate: clients whose policy gave up", "%.0f", -1,
        s -> simulated(s, "gaveUp")));
    columns.add(Column.number("ns/decision", "JMH: one wait computed", "%.1f", -1,
        s -> s.micro == null ? null : ReportWriter.num(ReportWriter.maps(s.micro.get("benchmarks")).stream()
            .findFirst().orElse(Map.of()), "nsPerOp")));
    columns.add(Column.number("load calls/req", "load: upstream calls per request through the retry stage", "%.2f",
        -1, s -> s.load == null ? null : ReportWriter.num(s.load, "retry.callsPerRequest")));
    columns.add(Column.load("p99 ms", "load: client 99th percentile (ms), 95% interval in brackets", "%.1f", -1,
        "client.p99Millis", "p99Millis", 1));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }
}
