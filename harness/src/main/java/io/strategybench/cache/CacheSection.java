package io.strategybench.cache;

import io.strategybench.report.FamilySection;
import io.strategybench.report.HistogramLogs;
import io.strategybench.report.Charts;
import io.strategybench.report.ReportWriter;
import static io.strategybench.report.ReportWriter.esc;
import static io.strategybench.report.ReportWriter.maps;
import static io.strategybench.report.ReportWriter.num;
import static io.strategybench.report.ReportWriter.times;

import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.Check;
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

/** The caching part of the report. */
final class CacheSection extends FamilySection {
  private static final String OPT = "opt";

  CacheSection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head("Every policy replays each workload at each capacity (every request a lookup, a"
        + " miss inserts the key; Belady's optimum, opt, reads the future and bounds them all); JMH measures a get"
        + " and a put in a concurrent cache run by the policy beside Caffeine and a plain ConcurrentHashMap; Gatling"
        + " reads Zipf keys through the target's cache stage in front of a slow origin. Then the stage's write"
        + " strategies and protections under load, each against its absence.", columns());
    html.append("<p class=\"note\">Green marks the best value of a column. Hit ratios of the simulation at the"
        + " headline point: the first workload at its middle capacity (opt is the bound there). ns/op: JMH, 1 thread,"
        + " keys from Zipf(0.99); ×Caffeine: ours over Caffeine's (default build) in the same run (1 or less: at least as fast).</p>\n");
    hitRatioCharts();
    microCharts();
    loadCharts();
    writeStrategies();
    protections();
    familyChecks();
    report.checksAndFiles(family);
  }

  // ---- summary -----------------------------------------------------------------------------------------------

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    String headline = headlineLabel();
    columns.add(Column.number("hit % (sim)", "simulate: hit ratio at " + headline + " (%)", "%.2f", 1,
        s -> times(headline(s, "hitRatio"), 100)));
    columns.add(Column.number("of opt %", "simulate: hits there as a share of Belady's optimum (%)", "%.1f", 1,
        s -> {
          Double ours = headline(s, "hits");
          Double opt = headline(family.strategy(OPT), "hits");
          return ours == null || opt == null || opt == 0 || s.strategy.equals(OPT) ? null : ours / opt * 100;
        }));
    columns.add(Column.number("get ns", "micro: JMH ns per get, 1 thread", "%.1f", -1, s -> micro(s, "get", 1)));
    columns.add(Column.number("put ns", "micro: JMH ns per put, 1 thread", "%.1f", -1, s -> micro(s, "put", 1)));
    columns.add(Column.number("get ×Caffeine", "micro: our get over Caffeine's get, same run, 1 thread", "%.2f", -1,
        s -> versus(s.strategy, "get", 1)));
    columns.add(Column.number("get ns 2T", "micro: JMH ns per get, 2 threads", "%.1f", -1, s -> micro(s, "get", 2)));
    columns.add(Column.number("hit % (load)", "load: hits over reads at the cache stage, measured phase (%)", "%.1f",
        1, s -> s.load == null ? null : times(num(s.load, "cache.hitRatio"), 100)));
    columns.add(Column.number("origin req/s", "load: origin requests per second", "%.0f", -1,
        s -> s.load == null ? null : num(s.load, "cache.originRps")));
    columns.add(Column.load("client p99 ms", "load: the client's 99th percentile (ms), 95% interval in brackets",
        "%.0f", -1, "client.p99Millis", "p99Millis", 1));
    columns.add(Column.number("server p99 ms", "load: target's 99th percentile (ms, HdrHistogram)", "%.2f", -1,
        s -> s.load == null ? null : ReportWriter.div(num(s.load, "server.p99Micros"), 1000)));
    columns.add(Column.load("errors %", "load: share of requests the client counted as failed (%), 95% interval in"
        + " brackets", "%.2f", -1, "client.errorRate", "errorRate", 100));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  private static List<Map<String, Object>> workloads(StrategyResults s) {
    return s == null || s.simulate == null ? List.of() : maps(s.simulate.get("workloads"));
  }

  /** The first workload's middle capacity. */
  private Map<String, Object> headlinePoint(StrategyResults s) {
    List<Map<String, Object>> w = workloads(s);
    if (w.isEmpty()) {
      return null;
    }
    List<Map<String, Object>> points = maps(w.get(0).get("points"));
    return points.isEmpty() ? null : points.get(points.size() / 2);
  }

  private Double headline(StrategyResults s, String field) {
    Map<String, Object> p = headlinePoint(s);
    return p == null ? null : num(p, field);
  }

  private String headlineLabel() {
    for (StrategyResults s : strategies) {
      Map<String, Object> p = headlinePoint(s);
      if (p != null) {
        return workloads(s).get(0).get("workload") + ", " + SuiteFormat.whole(num(p, "capacity")) + " "
            + p.get("capacityUnit");
      }
    }
    return "the first workload";
  }

  private static Double micro(StrategyResults s, String benchmark, int threads) {
    for (Map<String, Object> b : microBenchmarks(s)) {
      if (benchmark.equals(b.get("benchmark")) && num(b, "threads") == threads) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  private Double versus(String strategy, String operation, int threads) {
    for (Map<String, Object> row : versusRows()) {
      if (strategy.equals(row.get("strategy")) && operation.equals(row.get("operation"))
          && num(row, "threads") == threads) {
        return num(row, "ratio");
      }
    }
    return null;
  }

  private List<Map<String, Object>> versusRows() {
    return family.reference == null ? List.of() : maps(family.reference.get("versusCaffeine"));
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  private void hitRatioCharts() throws IOException {
    Map<String, Map<String, List<double[]>>> byWorkload = new LinkedHashMap<>();
    Map<String, String> units = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> w : workloads(s)) {
        String name = String.valueOf(w.get("workload"));
        List<double[]> points = new ArrayList<>();
        for (Map<String, Object> p : maps(w.get("points"))) {
          points.add(new double[] {num(p, "capacity"), num(p, "hitRatio") * 100});
          units.put(name, String.valueOf(p.get("capacityUnit")));
        }
        byWorkload.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(s.strategy, points);
      }
    }
    if (byWorkload.isEmpty()) {
      return;
    }
    html.append("<h3>Simulation: hit ratio against capacity</h3>\n<div class=\"grid\">");
    int i = 0;
    for (Map.Entry<String, Map<String, List<double[]>>> e : byWorkload.entrySet()) {
      Map<String, List<double[]>> series = new LinkedHashMap<>(e.getValue());
      List<double[]> opt = series.remove(OPT);
      if (opt != null) {
        series.put("opt (Belady, upper bound)", opt); // last, dashed: the bound above every line
      }
      report.chart(Charts.lines("cache-hit-ratio-" + (++i), "Hit ratio against capacity: " + e.getKey(),
          "capacity (" + units.get(e.getKey()) + ", log scale)", "hit ratio (%)", series,
          Set.of("opt (Belady, upper bound)"), true, false, Map.of(), 620, 420));
    }
    html.append("</div>\n");
    traceTable(byWorkload);
  }

  /** The hit counts on each real trace, for checking against a published table. */
  private void traceTable(Map<String, Map<String, List<double[]>>> byWorkload) {
    boolean any = false;
    for (StrategyResults s : strategies) {
      for (Map<String, Object> w : workloads(s)) {
        if (String.valueOf(w.get("source")).startsWith("trace")) {
          any = true;
        }
      }
    }
    if (!any) {
      return;
    }
    html.append("<h3>Hits on the real traces</h3>\n<table class=\"summary\"><thead><tr><th>trace</th>"
        + "<th>capacity</th>");
    strategies.forEach(s -> html.append("<th>").append(esc(s.strategy)).append("</th>"));
    html.append("</tr></thead><tbody>\n");
    Map<String, Map<Long, Map<String, Long>>> hits = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> w : workloads(s)) {
        if (!String.valueOf(w.get("source")).startsWith("trace")) {
          continue;
        }
        for (Map<String, Object> p : maps(w.get("points"))) {
          hits.computeIfAbsent(String.valueOf(w.get("workload")), k -> new LinkedHashMap<>())
              .computeIfAbsent(num(p, "capacity").longValue(), k -> new LinkedHashMap<>())
              .put(s.strategy, num(p, "hits").longValue());
        }
      }
    }
    hits.forEach((trace, byCapacity) -> byCapacity.forEach((capacity, row) -> {
      html.append("<tr><th>").append(esc(trace)).append("</th><td>").append(capacity).append("</td>");
      strategies.forEach(s -> html.append("<td>").append(row.containsKey(s.strategy) ? row.get(s.strategy) : "–")
          .append("</td>"));
      html.append("</tr>\n");
    }));
    html.append("</tbody></table>\n<p class=\"note\">Hits, every request counted. LRU, FIFO, LFU, CLOCK, SIEVE, ARC"
        + " and opt are deterministic; the tests pin them to the exact reference counts of the traces' README."
        + "</p>\n");
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  private void microCharts() throws IOException {
    Map<String, Map<String, Double>> get = new LinkedHashMap<>();
    Map<String, Map<String, Double>> put = new LinkedHashMap<>();
    List<Map<String, Object>> all = new ArrayList<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> b : microBenchmarks(s)) {
        Map<String, Object> copy = new LinkedHashMap<>(b);
        copy.put("label", s.strategy);
        all.add(copy);
      }
    }
    if (family.reference != null) {
      for (Map<String, Object> b : maps(family.reference.get("benchmarks"))) {
        Map<String, Object> copy = new LinkedHashMap<>(b);
        Object params = b.get("params");
        copy.put("label", (params instanceof Map<?, ?> m ? m.get("implementation") : "reference") + " (reference)");
        all.add(copy);
      }
    }
    for (Map<String, Object> b : all) {
      String series = SuiteFormat.whole(num(b, "threads")) + " thread(s)";
      Map<String, Map<String, Double>> target = "get".equals(b.get("benchmark")) ? get : put;
      target.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(String.valueOf(b.get("label")),
          num(b, "nsPerOp"));
    }
    if (get.isEmpty() && put.isEmpty()) {
      return;
    }
    report.html().append("<h3>Micro: one get and one put (JMH)</h3>\n");
    int rows = get.values().stream().mapToInt(Map::size).max().orElse(1);
    report.chart(Charts.bars("cache-micro-get", "ns per get, Zipf keys, the cache filled (JMH)", "ns per operation",
        get, false, 620, 90 + 24 * rows * Math.max(1, get.size())));
    report.chart(Charts.bars("cache-micro-put", "ns per put (update or insert with evictions; JMH)",
        "ns per operation", put, false, 620, 90 + 24 * rows * Math.max(1, put.size())));
    report.html().append("<p class=\"note\">Each policy runs in the same concurrent wrapper (values in a"
        + " ConcurrentHashMap, reads recorded in striped buffers and replayed into the policy under one lock:"
        + " BP-Wrapper, as Caffeine does), maintained on the calling thread. caffeine (reference) is the library"
        + " itself, built as applications build it: it hands its maintenance to the common ForkJoinPool, another"
        + " core; caffeine-same-thread (reference) is the library with its maintenance on the calling thread, the"
        + " like-for-like figure the LRU check is gated on. The caffeine policy is Caffeine run inside that wrapper, as the simulator needs it, so it pays"
        + " twice.</p>\n");
  }

  // ---- load --------------------------------------------------------------------------------------------------

  private void loadCharts() throws IOException {
    Map<String, Map<String, Double>> ratio = new LinkedHashMap<>();
    Map<String, Map<String, Double>> origin = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      if (s.load == null) {
        continue;
      }
      ratio.computeIfAbsent("hit ratio", k -> new LinkedHashMap<>()).put(s.strategy,
          times(num(s.load, "cache.hitRatio"), 100));
      origin.computeIfAbsent("mean", k -> new LinkedHashMap<>()).put(s.strategy, num(s.load, "cache.originRps"));
      origin.computeIfAbsent("peak (any second)", k -> new LinkedHashMap<>()).put(s.strategy,
          num(s.load, "cache.origin.peakPerSecond"));
    }
    if (ratio.isEmpty()) {
      return;
    }
    report.html().append("<h3>Load: Zipf reads through the cache stage</h3>\n");
    int n = ratio.get("hit ratio").size();
    report.chart(Charts.bars("cache-load-hit-ratio", "Hit ratio under load (cache stage)", "hit ratio (%)", ratio,
        false, 620, 90 + 28 * n));
    report.chart(Charts.bars("cache-load-origin", "Origin requests per second under load", "requests per second",
        origin, false, 620, 90 + 40 * n));
    Map<String, Histogram> client = report.histograms(strategies,
        s -> HistogramLogs.clientLatency(report.file(s, "clientHlog")));
    if (!client.isEmpty()) {
      report.chart(Charts.percentiles("cache-load-client-latency", "Client latency by percentile (Gatling, load lens)",
          client, "ms", 1e6, 620, 420, ReportWriter.spread(client)));
    }
  }

  // ---- scenarios ---------------------------------------------------------------------------------------------

  private List<Map<String, Object>> scenario(String name) {
    return family.scenarios == null ? List.of() : maps(family.scenarios.get(name));
  }

  private static Double cacheNum(Map<String, Object> entry, String path) {
    return entry.get("load") instanceof Map<?, ?> ? num(entry, "load.cache." + path) : null;
  }

  private void writeStrategies() throws IOException {
    List<Map<String, Object>> runs = scenario("writeStrategies");
    if (runs.isEmpty()) {
      return;
    }
    html.append("<h3>Write strategies under load</h3>\n<table class=\"summary\"><thead><tr><th>write strategy</th>"
        + "<th title=\"hits over reads (%)\">hit %</th><th title=\"reads that returned a version older than one"
        + " acknowledged before the read started\">stale reads</th><th>stale %</th>"
        + "<th title=\"origin requests per second (reads, writes, write-behind batches)\">origin req/s</th>"
        + "<th title=\"most origin requests in any second\">origin peak/s</th>"
        + "<th title=\"Gatling's 99th percentile of writes\">write p99 ms</th>"
        + "<th title=\"Gatling's 99th percentile of reads\">read p99 ms</th>"
        + "<th title=\"write-behind: most acknowledged writes waiting for a flush at once (a crash then loses"
        + " them)\">max unflushed</th><th title=\"write-behind: acknowledged writes lost by a crash at the end of the"
        + " run\">lost on crash</th></tr></thead><tbody>\n");
    Map<String, Map<String, Double>> stale = new LinkedHashMap<>();
    for (Map<String, Object> r : runs) {
      String name = String.valueOf(r.get("variant"));
      html.append("<tr><th>").append(esc(name)).append("</th>")
          .append(cell(times(cacheNum(r, "hitRatio"), 100), "%.1f"))
          .append(cell(cacheNum(r, "staleReads"), "%.0f"))
          .append(cell(times(cacheNum(r, "staleReadRatio"), 100), "%.3f"))
          .append(cell(cacheNum(r, "originRps"), "%.0f"))
          .append(cell(cacheNum(r, "origin.peakPerSecond"), "%.0f"))
          .append(cell(num(r, "load.writes.p99Millis"), "%.0f"))
          .append(cell(num(r, "load.client.p99Millis"), "%.0f"))
          .append(cell(name.equals("write-behind") ? cacheNum(r, "writeBehind.maxUnflushedWrites") : null, "%.0f"))
          .append(cell(name.equals("write-behind") ? cacheNum(r, "writeBehind.lostOnCrashAtEnd") : null, "%.0f"))
          .append("</tr>\n");
      stale.computeIfAbsent("stale reads", k -> new LinkedHashMap<>()).put(name, cacheNum(r, "staleReads"));
      stale.computeIfAbsent("origin requests per second", k -> new LinkedHashMap<>()).put(name,
          cacheNum(r, "originRps"));
    }
    html.append("</tbody></table>\n");
    report.chart(Charts.bars("cache-write-strategies", "Stale reads and origin load per write strategy", "count",
        stale, false, 620, 90 + 50 * runs.size()));
    html.append("<p class=\"note\">Cache-aside deletes the key after writing the origin; a read that missed before the"
        + " write can put the old value back: its stale reads. Read-through and write-through drop such late fills."
        + " Write-around leaves the cached copy until its TTL runs out. Write-behind acknowledges at once and writes"
        + " the origin in batches: few origin requests, and the acknowledged writes not yet flushed are what a crash"
        + " loses (measured by crashing the stage at the end of the run).</p>\n");
  }

  private void protections() throws IOException {
    Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
    Map<String, String> what = new LinkedHashMap<>();
    what.put("stampede", "origin reads of the hot key (1,000 readers at once after it expired)");
    what.put("penetration", "origin reads of keys that do not exist");
    what.put("avalanche", "origin peak: requests in the busiest second (keys expiring together)");
    what.put("restart", "origin peak: requests in the busiest second (a cold start)");
    for (Map.Entry<String, String> e : what.entrySet()) {
      for (Map<String, Object> r : scenario(e.getKey())) {
        String field = switch (e.getKey()) {
          case "stampede" -> "watchedKey.originReads";
          case "penetration" -> "origin.missingReads";
          default -> "origin.peakPerSecond";
        };
        bars.computeIfAbsent(String.valueOf(r.get("variant")), k -> new LinkedHashMap<>()).put(e.getKey(),
            cacheNum(r, field));
      }
    }
    if (bars.isEmpty()) {
      return;
    }
    html.append("<h3>Protections under load, each against its absence</h3>\n");
    html.append("<table class=\"summary\"><thead><tr><th>scenario</th><th>measured</th><th>protection</th>"
        + "<th>value</th><th>origin req/s</th><th>origin peak in flight</th><th>client p99 ms</th><th>errors %</th>"
        + "</tr></thead><tbody>\n");
    for (Map.Entry<String, String> e : what.entrySet()) {
      for (Map<String, Object> r : scenario(e.getKey())) {
        String variant = String.valueOf(r.get("variant"));
        html.append("<tr><th>").append(esc(e.getKey())).append("</th><td style=\"text-align:left\">")
            .append(esc(e.getValue())).append("</td><td>").append(esc(variant)).append("</td>")
            .append(cell(bars.get(variant).get(e.getKey()), "%.0f"))
            .append(cell(cacheNum(r, "originRps"), "%.0f"))
            .append(cell(cacheNum(r, "origin.peakInFlight"), "%.0f"))
            .append(cell(num(r, "load.client.p99Millis"), "%.0f"))
            .append(cell(times(num(r, "load.client.errorRate"), 100), "%.2f"))
            .append("</tr>\n");
      }
    }
    html.append("</tbody></table>\n");
    // one chart per scenario: the bars are not comparable across scenarios
    for (String name : what.keySet()) {
      Map<String, Map<String, Double>> one = new LinkedHashMap<>();
      for (Map<String, Object> r : scenario(name)) {
        String variant = String.valueOf(r.get("variant"));
        one.computeIfAbsent(what.get(name), k -> new LinkedHashMap<>()).put(variant, bars.get(variant).get(name));
      }
      if (!one.isEmpty()) {
        report.chart(Charts.bars("cache-protection-" + name, capitalised(name) + ": " + what.get(name), "count", one,
            false, 620, 90 + 30 * one.values().iterator().next().size()));
      }
    }
    originOverTime("avalanche", "Origin requests per second: keys filled together expire, with and without TTL jitter");
    originOverTime("restart", "Origin requests per second after a cold start, with and without preloading");
    List<Map<String, Object>> conditional = scenario("conditional");
    for (Map<String, Object> r : conditional) {
      Double notModified = cacheNum(r, "notModified");
      Double reads = cacheNum(r, "reads");
      html.append(String.format(Locale.ROOT, "<p class=\"note\">Conditional requests: %s of %s reads carried the"
          + " ETag of the previous answer and got 304 Not Modified from the cache stage, with no body: %s MB"
          + " sent for the run.</p>\n", SuiteFormat.whole(notModified), SuiteFormat.whole(reads),
          String.format(Locale.ROOT, "%.1f", num(r, "load.server.bytesOut") == null ? 0
              : num(r, "load.server.bytesOut") / 1e6)));
    }
  }

  private void originOverTime(String name, String title) throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (Map<String, Object> r : scenario(name)) {
      List<double[]> points = new ArrayList<>();
      Object values = r.get("load") instanceof Map<?, ?> ? ((Map<?, ?>) ((Map<?, ?>) r.get("load")).get("cache"))
          .get("perSecond") : null;
      if (values instanceof Map<?, ?> perSecond && perSecond.get("originRequests") instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          points.add(new double[] {i + 1, ((Number) list.get(i)).doubleValue()});
        }
      }
      series.put(String.valueOf(r.get("variant")), points);
    }
    if (!series.isEmpty()) {
      report.chart(Charts.lines("cache-" + name + "-over-time", title, "second of the measured phase",
          "origin requests in that second", series, Set.of(), false, false, Map.of(), 620, 400));
    }
  }

  private void familyChecks() {
    if (family.checks.isEmpty()) {
      return;
    }
    html.append("<h3>Checks of the protections and write strategies</h3>\n<table class=\"summary\"><thead><tr>"
        + "<th>check</th><th>value</th><th>expected</th><th title=\"what the condition allows beyond the ideal, and"
        + " why\">margin</th><th>result</th></tr></thead><tbody>\n");
    for (Check c : family.checks) {
      html.append("<tr><th style=\"white-space:normal\">").append(esc(c.name())).append("</th><td>")
          .append(esc(String.valueOf(c.value()))).append("</td><td>").append(esc(c.expected()))
          .append("</td><td class=\"margin\">").append(esc(c.margin())).append("</td><td>")
          .append(ReportWriter.verdict(c)).append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private static String cell(Double value, String format) {
    return "<td>" + (value == null || value.isNaN() ? "–" : String.format(Locale.ROOT, format, value)) + "</td>";
  }

  private static String capitalised(String text) {
    return Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** Number formatting the section shares. */
  private static final class SuiteFormat {
    static String whole(Double value) {
      return value == null ? "–" : String.format(Locale.ROOT, "%,d", Math.round(value));
    }
  }
}
