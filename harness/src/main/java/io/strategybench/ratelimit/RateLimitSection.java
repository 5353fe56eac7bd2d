package io.strategybench.ratelimit;

import io.strategybench.report.FamilySection;
import io.strategybench.report.HistogramLogs;
import io.strategybench.report.Charts;
import io.strategybench.report.ReportWriter;
import static io.strategybench.report.ReportWriter.div;
import static io.strategybench.report.ReportWriter.esc;
import static io.strategybench.report.ReportWriter.maps;
import static io.strategybench.report.ReportWriter.ratio;
import static io.strategybench.report.ReportWriter.times;
import static io.strategybench.report.ReportWriter.num;
import static io.strategybench.run.Figures.nested;

import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/** The rate-limiting part of the report. */
final class RateLimitSection extends FamilySection {
  RateLimitSection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head(describeWorkload(), columns());
    html.append("<p class=\"note\">Green marks the best value of a column. Max/window: the most requests of one key"
        + " admitted in any window of the limit's length (sliding, exact) under the headline pattern, over the"
        + " limit; 1.00 is exact, fixed windows and buckets allow up to 2.00 by definition. False admits and"
        + " rejects: decisions that differ from an exact sliding log run beside it. Concurrency limiters limit"
        + " requests in flight, not a rate, so the window figures do not judge them. Abusive key /s: the busiest"
        + " abusive client's admitted rate in the load run (its limit is in the workload line). ×limit on 3: the"
        + " same, with three target instances behind a load balancer.</p>\n");
    simulateCharts();
    microCharts();
    loadCharts();
    distributedChart();
    report.checksAndFiles(family);
  }

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("max/window ×limit", "simulate: most admitted for one key in any window, over the"
        + " limit (headline pattern)", "%.2f", -1, s -> s.simulate == null ? null
            : ratio(num(s.simulate, "maxAdmittedInWindow"), num(s.simulate, "limit"))));
    columns.add(Column.number("false admits", "simulate: admitted where an exact sliding log rejects (all patterns)",
        "%.0f", -1, s -> sumPatterns(s, "falseAdmits")));
    columns.add(Column.number("false rejects", "simulate: rejected where an exact sliding log admits (all patterns)",
        "%.0f", -1, s -> sumPatterns(s, "falseRejects")));
    columns.add(Column.number("bytes/key", "simulate: limiter state per client key (JOL; Redis MEMORY USAGE)",
        "%.0f", -1, s -> s.simulate == null ? null : num(s.simulate, "stateBytesPerKey")));
    columns.add(Column.number("ns hot key", "JMH: one decision, one key, 1 thread (ns)", "%.1f", -1,
        s -> micro(s, 1, 1)));
    columns.add(Column.number("ns 100k keys", "JMH: one decision, 100,000 keys, 1 thread (ns)", "%.1f", -1,
        s -> micro(s, 100_000, 1)));
    columns.add(Column.number("abusive key /s", "load: the busiest abusive client's admitted requests per second",
        "%.1f", 0, s -> s.load == null ? null : num(s.load, "ratelimit.maxAdmittedPerKeyPerSecond")));
    columns.add(Column.number("good 429 %", "load: share of the well-behaved clients' requests rejected (%)", "%.2f",
        -1, s -> s.load == null ? null : times(num(s.load, "ratelimit.classes.good.rejectedShare"), 100)));
    columns.add(Column.number("abusive 429 %", "load: share of the abusive clients' requests rejected (%)", "%.1f", 0,
        s -> s.load == null ? null : times(num(s.load, "ratelimit.classes.abusive.rejectedShare"), 100)));
    columns.add(Column.number("decision p99 µs", "load: time the rate-limit stage took to decide, 99th percentile"
        + " (server HdrHistogram, µs)", "%.1f", -1,
        s -> s.load == null ? null : num(s.load, "ratelimit.decisionLatency.p99Micros")));
    columns.add(Column.load("client p99 ms", "load: the client's 99th percentile (ms), 95% interval in brackets",
        "%.0f", -1, "client.p99Millis", "p99Millis", 1));
    columns.add(Column.number("×limit on 3", "load: busiest abusive key's global admitted rate over the limit, three"
        + " instances", "%.2f", 0, s -> s.load == null ? null : num(s.load, "distributed.overLimit")));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  private void simulateCharts() throws IOException {
    Map<String, Map<String, Double>> maxWindow = new LinkedHashMap<>();
    Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();
    Map<String, Map<String, Double>> bytes = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      if (s.simulate == null) {
        continue;
      }
      for (Map<String, Object> p : maps(s.simulate.get("patterns"))) {
        String pattern = String.valueOf(p.get("pattern"));
        maxWindow.computeIfAbsent(pattern, k -> new LinkedHashMap<>()).put(s.strategy,
            ratio(num(p, "maxAdmittedInWindow"), num(p, "limit")));
      }
      // Over every pattern together: one bar each for the two kinds of divergence.
      accuracy.computeIfAbsent("false admits", k -> new LinkedHashMap<>()).put(s.strategy,
          share(sumPatterns(s, "falseAdmits"), sumPatterns(s, "arrivals")));
      accuracy.computeIfAbsent("false rejects", k -> new LinkedHashMap<>()).put(s.strategy,
          share(sumPatterns(s, "falseRejects"), sumPatterns(s, "arrivals")));
      bytes.computeIfAbsent("bytes per key", k -> new LinkedHashMap<>()).put(s.strategy,
          num(s.simulate, "stateBytesPerKey"));
    }
    if (maxWindow.isEmpty()) {
      return;
    }
    int height = 80 + 16 * strategies.size() * Math.max(1, maxWindow.size());
    report.html().append("<h3>Simulate: accuracy at window edges and state per key</h3>\n");
    report.chart(Charts.bars("ratelimit-simulate-max-window",
        "Most admitted for one key in any window, over the limit (simulate lens)", "× the limit (1 = exact)",
        maxWindow, false, 620, height));
    report.chart(Charts.bars("ratelimit-simulate-accuracy",
        "Decisions that differ from an exact sliding log, all patterns (simulate lens)", "% of requests", accuracy,
        false, 620,
        80 + 14 * strategies.size() * Math.max(1, accuracy.size())));
    report.chart(Charts.bars("ratelimit-state-bytes", "Limiter state per client key (JOL; Redis MEMORY USAGE)",
        "bytes per key", bytes, false, 620, 80 + 22 * strategies.size()));
  }

  private static Double sumPatterns(StrategyResults s, String field) {
    if (s.simulate == null) {
      return null;
    }
    double sum = 0;
    for (Map<String, Object> p : maps(s.simulate.get("patterns"))) {
      Double v = num(p, field);
      sum += v == null ? 0 : v;
    }
    return sum;
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  /** Above this, a decision is a network round trip (Redis): those get a chart of their own, in µs. */
  private static final double REMOTE_NANOS = 10_000;

  private void microCharts() throws IOException {
    Map<String, Map<String, Double>> local = new LinkedHashMap<>();
    Map<String, Map<String, Double>> remote = new LinkedHashMap<>();
    int localCount = 0;
    int remoteCount = 0;
    for (StrategyResults s : strategies) {
      List<Map<String, Object>> runs = microBenchmarks(s);
      boolean isRemote = runs.stream().map(b -> num(b, "nsPerOp")).anyMatch(ns -> ns != null && ns > REMOTE_NANOS);
      if (runs.isEmpty()) {
        continue;
      }
      if (isRemote) {
        remoteCount++;
      } else {
        localCount++;
      }
      for (Map<String, Object> b : runs) {
        (isRemote ? remote : local).computeIfAbsent(label(b), k -> new LinkedHashMap<>()).put(s.strategy,
            isRemote ? div(num(b, "nsPerOp"), 1000) : num(b, "nsPerOp"));
      }
    }
    if (!local.isEmpty() || !remote.isEmpty()) {
      html.append("<h3>Micro: one admission decision (JMH)</h3>\n");
    }
    if (!local.isEmpty()) {
      report.chart(Charts.bars("ratelimit-micro", "Time per admission decision, in-process limiters (JMH, micro lens)",
          "ns per decision, clock read included", local, false, 620, 80 + 14 * localCount * Math.max(1, local.size())));
    }
    if (!remote.isEmpty()) {
      report.chart(Charts.bars("ratelimit-micro-remote", "Time per admission decision, Redis limiters (JMH, micro lens)",
          "µs per decision: one round trip to Redis", remote, false, 620,
          80 + 14 * remoteCount * Math.max(1, remote.size())));
    }
    Map<String, Map<String, Double>> reference = new LinkedHashMap<>();
    List<Map<String, Object>> refBenchmarks = family.reference == null ? List.of()
        : maps(family.reference.get("benchmarks"));
    for (Map<String, Object> b : refBenchmarks) {
      String library = switch (String.valueOf(b.get("benchmark"))) {
        case "tokenBucket" -> "StrategyBench token-bucket";
        case "bucket4j" -> "Bucket4j (reference)";
        case "guava" -> "Guava RateLimiter (reference)";
        case "resilience4j" -> "Resilience4j RateLimiter (reference)";
        default -> String.valueOf(b.get("benchmark"));
      };
      reference.computeIfAbsent(label(b), k -> new LinkedHashMap<>()).put(library, num(b, "nsPerOp"));
    }
    if (!reference.isEmpty()) {
      report.chart(Charts.bars("ratelimit-micro-reference",
          "Our token bucket beside well-known libraries, same JMH run (micro lens)", "ns per decision", reference,
          false, 620, 80 + 18 * 4 * Math.max(1, reference.size())));
    }
    List<Map<String, Object>> rows = family.reference == null ? List.of()
        : maps(family.reference.get("tokenBucketVsReferences"));
    if (!rows.isEmpty()) {
      html.append("<h4>Our token bucket against the libraries, same JMH run</h4>\n"
          + "<table class=\"summary\"><thead><tr><th>library</th><th>keys</th><th>threads</th><th>ours ns</th>"
          + "<th>theirs ns</th><th>ours / theirs</th></tr></thead><tbody>\n");
      for (Map<String, Object> r : rows) {
        html.append("<tr><th>").append(esc(String.valueOf(r.get("library")))).append("</th><td>")
            .append(esc(String.valueOf(r.get("keys")))).append("</td><td>")
            .append(esc(String.valueOf(r.get("threads")))).append("</td><td>")
            .append(fmt2(num(r, "oursNsPerOp"), num(r, "oursNsPerOpError"))).append("</td><td>")
            .append(fmt2(num(r, "libraryNsPerOp"), num(r, "libraryNsPerOpError"))).append("</td><td>")
            .append(fmt("%.3f", num(r, "ratio"))).append("</td></tr>\n");
      }
      html.append("</tbody></table>\n<p class=\"note\">At most 1 means ours is at least as fast. Every limiter admits"
          + " 100 requests per second per key; each keeps one limiter per key in a ConcurrentHashMap.</p>\n");
    }
  }

  private static String label(Map<String, Object> b) {
    String keys = b.get("params") instanceof Map<?, ?> p ? String.valueOf(p.get("keys")) : "?";
    Double t = num(b, "threads");
    return keys + (keys.equals("1") ? " key" : " keys") + (t == null || t == 1 ? "" : ", " + t.intValue() + " threads");
  }

  private static Double micro(StrategyResults s, int keys, int threads) {
    for (Map<String, Object> b : microBenchmarks(s)) {
      if (b.get("params") instanceof Map<?, ?> p && String.valueOf(keys).equals(String.valueOf(p.get("keys")))
          && num(b, "threads") != null && num(b, "threads") == threads) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  // ---- load --------------------------------------------------------------------------------------------------

  private void loadCharts() throws IOException {
    Map<String, List<double[]>> admitted = new LinkedHashMap<>();
    Map<String, Map<String, Double>> rejectedShare = new LinkedHashMap<>();
    Map<String, Map<String, Double>> decision = new LinkedHashMap<>();
    Double limit = null;
    int abusive = Math.max(1, intOf(family.workload, "load.abusiveClients"));
    for (StrategyResults s : strategies) {
      if (s.load == null || !(s.load.get("ratelimit") instanceof Map<?, ?>)) {
        continue;
      }
      limit = num(s.load, "ratelimit.limitPerKeyPerSecond");
      Object series = nested(s.load, "ratelimit", "classes", "abusive", "admittedPerSecond");
      List<double[]> points = new ArrayList<>();
      if (series instanceof List<?> values) {
        for (int i = 0; i < values.size(); i++) {
          points.add(new double[] {i + 0.5, ((Number) values.get(i)).doubleValue() / abusive});
        }
      }
      admitted.put(s.strategy, points);
      for (String cls : List.of("good", "abusive")) {
        rejectedShare.computeIfAbsent(cls + " clients", k -> new LinkedHashMap<>()).put(s.strategy,
            times(num(s.load, "ratelimit.classes." + cls + ".rejectedShare"), 100));
      }
      decision.computeIfAbsent("p50", k -> new LinkedHashMap<>()).put(s.strategy,
          num(s.load, "ratelimit.decisionLatency.p50Micros"));
      decision.computeIfAbsent("p99", k -> new LinkedHashMap<>()).put(s.strategy,
          num(s.load, "ratelimit.decisionLatency.p99Micros"));
    }
    if (admitted.isEmpty()) {
      return;
    }
    int seconds = admitted.values().stream().mapToInt(List::size).max().orElse(0);
    Set<String> dashed = Set.of();
    if (limit != null && seconds > 0) {
      String name = "limit (" + limit.intValue() + "/s)";
      admitted.put(name, List.of(new double[] {0, limit}, new double[] {seconds, limit}));
      Double offered = num(family.workload, "load.abusiveRatePerClient");
      if (offered != null) {
        String sent = "sent (" + offered.intValue() + "/s)";
        admitted.put(sent, List.of(new double[] {0, offered}, new double[] {seconds, offered}));
        dashed = Set.of(name, sent);
      } else {
        dashed = Set.of(name);
      }
    }
    html.append("<h3>Load: well-behaved and abusive clients through the rate-limit stage</h3>\n");
    report.chart(Charts.lines("ratelimit-load-admitted", "Admitted requests per abusive client per second (load lens)",
        "seconds into the measured phase", "admitted per second per abusive key", admitted, dashed, false, false,
        Map.of(), 620, 420));
    report.chart(Charts.bars("ratelimit-load-429-share", "Share of requests answered 429, per client class (load lens)",
        "rejected (%)", rejectedShare, false, 620, 80 + 30 * admitted.size()));
    report.chart(Charts.bars("ratelimit-load-decision-latency",
        "Time the rate-limit stage takes to decide (server HdrHistogram, load lens)", "µs", decision, false, 620,
        80 + 30 * admitted.size()));
    Map<String, Histogram> client = report.histograms(strategies,
        s -> HistogramLogs.sum(report.file(s, "clientHlog"), t -> true));
    if (!client.isEmpty()) {
      report.chart(Charts.percentiles("ratelimit-load-client-latency",
          "Client latency by percentile, 429s included (Gatling, load lens)", client, "ms", 1e6, 600, 420,
          ReportWriter.spread(client)));
    }
  }

  private void distributedChart() throws IOException {
    Map<String, Map<String, Double>> global = new LinkedHashMap<>();
    Double limit = null;
    for (StrategyResults s : strategies) {
      if (s.load == null || !(s.load.get("distributed") instanceof Map<?, ?>)) {
        continue;
      }
      limit = num(s.load, "distributed.limitPerKeyPerSecond");
      String shared = String.valueOf(nested(s.load, "distributed", "sharedState"));
      global.computeIfAbsent(shared.equals("redis") ? "shared in Redis" : "in each instance's memory",
          k -> new LinkedHashMap<>()).put(s.strategy, num(s.load, "distributed.maxAdmittedPerKeyPerSecond"));
    }
    if (global.isEmpty()) {
      return;
    }
    report.html().append("<h3>Load: three gateway instances, one limit</h3>\n");
    report.chart(Charts.bars("ratelimit-distributed",
        "Busiest abusive key's admitted rate across three instances" + (limit == null ? "" : " (limit "
            + limit.intValue() + "/s)"), "admitted requests per second, all instances", global, false, 620,
        80 + 26 * global.values().stream().mapToInt(Map::size).sum()));
    report.html().append("<p class=\"note\">Three target instances run the same rule behind a fourth that balances"
        + " round robin. Limiters that share their state in Redis hold the key to its limit; in-memory limiters"
        + " each admit the limit, about three times as much in all.</p>\n");
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private String describeWorkload() {
    Map<String, Object> w = family.workload;
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Simulate: %s requests per %s ms per key, patterns %s at %s× the"
            + " limit's rate, %s virtual seconds, %s keys. ", value(w, "simulate", "limit"),
        value(w, "simulate", "windowMillis"), value(w, "simulate", "patterns"), value(w, "simulate", "rateMultiple"),
        value(w, "simulate", "virtualSeconds"), value(w, "simulate", "keys")));
    text.append(String.format(Locale.ROOT, "Micro: %s per second per key, keys %s, threads %s. ",
        value(w, "micro", "limitPerSecond"), value(w, "micro", "keys"), value(w, "micro", "threads")));
    text.append(String.format(Locale.ROOT, "Load: limit %s requests per second per API key; %s well-behaved clients"
            + " at %s/s each and %s abusive ones at %s/s each for %s s after a %s s warm-up; strategies: %s;"
            + " distributed: %s.", value(w, "load", "limitPerKeyPerSecond"), value(w, "load", "goodClients"),
        value(w, "load", "goodRatePerClient"), value(w, "load", "abusiveClients"),
        value(w, "load", "abusiveRatePerClient"), value(w, "load", "durationSeconds"),
        value(w, "load", "warmupSeconds"), value(w, "load", "strategies"), value(w, "load", "distributed")));
    if (w.get("skipped") instanceof Map<?, ?> skipped) {
      text.append(" Skipped: ").append(skipped.get("strategies")).append(" (").append(skipped.get("reason"))
          .append(").");
    }
    return text.toString();
  }

  private static Object value(Map<String, Object> w, String section, String key) {
    return w.get(section) instanceof Map<?, ?> m ? m.get(key) : "?";
  }

  private static int intOf(Map<String, Object> root, String path) {
    Double v = num(root, path);
    return v == null ? 0 : v.intValue();
  }

  private static String fmt(String format, Double value) {
    return value == null ? "–" : String.format(Locale.ROOT, format, value);
  }

  private static String fmt2(Double value, Double error) {
    return value == null ? "–" : String.format(Locale.ROOT, "%.1f ± %.1f", value, error == null ? 0 : error);
  }

  private static Double share(Double a, Double total) {
    return a == null || total == null || total == 0 ? null : 100 * a / total;
  }

}
