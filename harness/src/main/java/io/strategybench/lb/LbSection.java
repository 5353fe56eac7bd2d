package io.strategybench.lb;

import io.strategybench.report.FamilySection;
import io.strategybench.report.Charts;
import io.strategybench.report.HistogramLogs;
import io.strategybench.report.ReportWriter;
import static io.strategybench.report.ReportWriter.div;
import static io.strategybench.report.ReportWriter.esc;
import static io.strategybench.report.ReportWriter.times;
import static io.strategybench.report.ReportWriter.num;

import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The load-balancing part of the report. */
final class LbSection extends FamilySection {
  LbSection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head(describeWorkload(), columns());
    html.append("<p class=\"note\">Green marks the best value of a column. Client latency is measured by Gatling"
        + " (whole milliseconds); server latency by the target's HdrHistogram recorder (nanoseconds), from a"
        + " decoded request to its last response byte. Stickiness: share of a session's requests served by its"
        + " first backend. Imbalance: largest per-backend value over the mean.</p>\n");

    Map<String, Histogram> client = report.histograms(strategies, s -> HistogramLogs.clientLatency(report.file(s, "clientHlog")));
    Map<String, Histogram> server = report.histograms(strategies, s -> HistogramLogs.measuredServerLatency(report.file(s, "serverHlog")));
    if (!client.isEmpty() || !server.isEmpty()) {
      html.append("<h3>Load: latency by percentile</h3>\n");
      if (!client.isEmpty()) {
        report.chart(Charts.percentiles("lb-load-client-latency", "Client latency by percentile (Gatling, load lens)",
            client, "ms", 1e6, 600, 420, ReportWriter.spread(client)));
      }
      if (!server.isEmpty()) {
        report.chart(Charts.percentiles("lb-load-server-latency",
            "Server latency by percentile (target HdrHistogram, load lens)", server, "ms", 1e6, 600, 420,
            ReportWriter.spread(server)));
      }
      html.append("<h4>Per strategy: client and server latency</h4>\n<div class=\"grid\">\n");
      for (StrategyResults s : strategies) {
        Map<String, Histogram> pair = new LinkedHashMap<>();
        if (client.containsKey(s.strategy)) {
          pair.put("client (Gatling)", client.get(s.strategy));
        }
        if (server.containsKey(s.strategy)) {
          pair.put("server (HdrHistogram)", server.get(s.strategy));
        }
        if (!pair.isEmpty()) {
          report.chart(Charts.percentiles("lb-latency-" + s.strategy, s.strategy + ": latency by percentile", pair,
              "ms", 1e6, 400, 280));
        }
      }
      html.append("</div>\n");
    }

    Map<String, Map<String, Double>> loadShares = shares("load");
    if (!loadShares.isEmpty()) {
      html.append("<h3>Load: share of requests per backend</h3>\n");
      report.chart(Charts.bars("lb-load-share", "Share of requests per backend (load lens)", "share of requests (%)",
          loadShares, true, 620, 80 + 34 * strategies.size()));
    }
    Map<String, Map<String, Double>> simShares = shares("simulate");
    if (!simShares.isEmpty()) {
      html.append("<h3>Simulation: share per backend and response time</h3>\n");
      report.chart(Charts.bars("lb-simulate-share", "Share of requests per backend (simulate lens)",
          "share of requests (%)", simShares, true, 620, 80 + 34 * strategies.size()));
      Map<String, Map<String, Double>> simLatency = new LinkedHashMap<>();
      for (String[] p : new String[][] {{"p50", "p50Micros"}, {"p99", "p99Micros"}, {"p99.9", "p999Micros"}}) {
        Map<String, Double> byStrategy = new LinkedHashMap<>();
        for (StrategyResults s : strategies) {
          Double v = s.simulate == null ? null : num(s.simulate, "latency." + p[1]);
          byStrategy.put(s.strategy, v == null ? null : v / 1000.0);
        }
        simLatency.put(p[0], byStrategy);
      }
      report.chart(Charts.bars("lb-simulate-latency", "Simulated response time, queueing included (simulate lens)",
          "response time (ms)", simLatency, false, 620, 80 + 44 * strategies.size()));
    }

    Map<String, Map<String, Double>> micro = micro();
    if (!micro.isEmpty()) {
      html.append("<h3>Micro: time per pick (JMH)</h3>\n");
      report.chart(Charts.bars("lb-micro", "Time per pick, by backends and threads (JMH, micro lens)", "ns per pick",
          micro, false, 620, 80 + 18 * strategies.size() * Math.max(1, micro.size())));
    }
    report.checksAndFiles(family);
  }

  private List<Column> columns() {
    String microKey = microHeadline();
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("ns/pick", "JMH, " + microKey + ": mean time of one pick (ns)", "%.1f", -1,
        s -> microScore(s, microKey)));
    columns.add(Column.number("sim p99 ms", "simulate: 99th percentile response time, queueing included (ms)",
        "%.2f", -1, s -> s.simulate == null ? null : div(num(s.simulate, "latency.p99Micros"), 1000)));
    columns.add(Column.number("sim imbalance", "simulate: largest share over mean share", "%.3f", 0,
        s -> s.simulate == null ? null : num(s.simulate, "shareImbalance")));
    columns.add(Column.number("sim to failed", "simulate: requests sent to a refusing or failing backend", "%.0f", -1,
        s -> s.simulate == null ? null : num(s.simulate, "requestsToFailedBackend")));
    columns.add(Column.load("client p50 ms", "load: the client's 50th percentile (ms), 95% interval in brackets",
        "%.0f", -1, "client.p50Millis", "p50Millis", 1));
    columns.add(Column.load("client p99 ms", "load: the client's 99th percentile (ms), 95% interval in brackets",
        "%.0f", -1, "client.p99Millis", "p99Millis", 1));
    columns.add(Column.number("client p99.9 ms", "load: Gatling's 99.9th percentile (ms)", "%.0f", -1,
        s -> s.load == null ? null : num(s.load, "client.p999Millis")));
    columns.add(Column.number("server p99 ms", "load: target's 99th percentile (ms, HdrHistogram)", "%.2f", -1,
        s -> s.load == null ? null : div(num(s.load, "server.p99Micros"), 1000)));
    columns.add(Column.load("req/s", "load: successful responses per second of the measured phase, 95% interval in"
        + " brackets", "%.0f", 1, "throughputRps", "throughputRps", 1));
    columns.add(Column.number("Mbit/s", "load: response body megabits per second", "%.2f", 1,
        s -> s.load == null ? null : num(s.load, "throughputMbps")));
    columns.add(Column.load("errors %", "load: share of requests the client counted as failed (%), 95% interval in"
        + " brackets", "%.2f", -1, "client.errorRate", "errorRate", 100));
    columns.add(Column.number("sticky", "load: share of a session's requests on its first backend", "%.3f", 1,
        s -> s.load == null ? null : num(s.load, "stickiness")));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  private Map<String, Map<String, Double>> shares(String lens) {
    Map<String, Map<String, Double>> byBackend = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      Map<String, Object> data = lens.equals("load") ? s.load : s.simulate;
      if (data == null || !(data.get("backends") instanceof List<?> backends)) {
        continue;
      }
      for (Object o : backends) {
        if (o instanceof Map<?, ?> b) {
          String name = String.valueOf(b.get("name"));
          Object share = b.get("share");
          byBackend.computeIfAbsent(name, k -> new LinkedHashMap<>())
              .put(s.strategy, share instanceof Number n ? n.doubleValue() * 100 : null);
        }
      }
    }
    return byBackend.size() > 16 ? Map.of() : byBackend;
  }

  private Map<String, Map<String, Double>> micro() {
    Map<String, Map<String, Double>> bySetting = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> b : microBenchmarks(s)) {
        String key = backendsOf(b) + " backends, " + b.get("threads") + " thread" + (num(b, "threads") > 1 ? "s" : "");
        bySetting.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(s.strategy, num(b, "nsPerOp"));
      }
    }
    return bySetting;
  }

  /** The setting the summary shows: the most backends measured, one thread. */
  private String microHeadline() {
    int most = 0;
    for (StrategyResults s : strategies) {
      for (Map<String, Object> b : microBenchmarks(s)) {
        most = Math.max(most, Integer.parseInt(backendsOf(b)));
      }
    }
    return most + " backends, 1 thread";
  }

  private Double microScore(StrategyResults s, String key) {
    for (Map<String, Object> b : microBenchmarks(s)) {
      String k = backendsOf(b) + " backends, " + b.get("threads") + " thread";
      if (key.equals(k)) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static String backendsOf(Map<String, Object> benchmark) {
    Object params = benchmark.get("params");
    return params instanceof Map<?, ?> p ? String.valueOf(((Map<String, Object>) p).get("backends")) : "?";
  }

  @SuppressWarnings("unchecked")
  private String describeWorkload() {
    Map<String, Object> w = family.workload;
    StringBuilder out = new StringBuilder();
    if (w.get("backends") instanceof List<?> backends) {
      out.append(backends.size()).append(" simulated backends (");
      List<String> parts = new ArrayList<>();
      for (Object o : backends) {
        Map<String, Object> b = (Map<String, Object>) o;
        parts.add(b.get("name") + ": weight " + b.get("weight") + ", capacity " + b.get("capacity") + ", "
            + b.get("serviceTime"));
      }
      out.append(String.join("; ", parts)).append("). ");
    }
    if (w.get("fault") != null) {
      out.append("Fault: ").append(w.get("fault")).append(". ");
    }
    if (w.get("simulate") instanceof Map<?, ?> sim) {
      out.append("Simulate: ").append(sim.get("rateRps")).append(" req/s ").append(sim.get("arrivals")).append(" for ")
          .append(sim.get("duration")).append(", seed ").append(sim.get("seed")).append(". ");
    }
    if (w.get("load") instanceof Map<?, ?> load) {
      out.append("Load: ").append(load.get("rateRps")).append(" req/s open model for ").append(load.get("durationSeconds"))
          .append(" s after ").append(load.get("warmupSeconds")).append(" s warm-up, ").append(load.get("ioThreads"))
          .append(" I/O thread(s). ");
    }
    if (w.get("micro") instanceof Map<?, ?> micro) {
      out.append("Micro: backends ").append(micro.get("backends")).append(", threads ").append(micro.get("threads"))
          .append(".");
    }
    return out.toString();
  }

}
