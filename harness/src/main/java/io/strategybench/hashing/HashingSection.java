package io.strategybench.hashing;

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

/** The consistent-hashing part of the report. */
final class HashingSection extends FamilySection {
  /** Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014): a ring's spread. */
  static final double PUBLISHED_RSD_100_VNODES = 0.10;
  static final double PUBLISHED_RSD_1000_VNODES = 0.032;

  HashingSection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head(describeWorkload(), columns());
    html.append("<p class=\"note\">Green marks the best value of a column. Moved ×opt: keys that moved when one node"
        + " was added (removed) over the least that must move, 1/(N+1) (the removed node's share); 1.00 is"
        + " optimal. Violations: keys that moved between two nodes that both stayed. Dip: the lowest per-second"
        + " hit ratio after a node change; recovery: seconds until the hit ratio was back at 95% of its level"
        + " before (– when it was not within the run). Jump hash can only add or remove the last bucket: removing"
        + " a middle node, as here, renumbers every node after it and moves their keys.</p>\n");
    published();

    simulateCharts();
    loadCharts();
    microCharts();
    changesTable();
    report.checksAndFiles(family);
  }

  // ---- summary -----------------------------------------------------------------------------------------------

  private List<Column> columns() {
    int most = mostMicroNodes();
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("lookup ns", "JMH: one key to its node, key hashing included, " + most
        + " nodes, 1 thread (ns)", "%.1f", -1, s -> micro(s, "lookup", most)));
    columns.add(Column.number("build µs", "JMH: building the ring or table for " + most + " nodes (µs)", "%.1f", -1,
        s -> div(micro(s, "build", most), 1000)));
    columns.add(Column.number("peak/mean", "simulate: most keys on a node over the mean", "%.3f", -1,
        s -> s.simulate == null ? null : num(s.simulate, "peakToMean")));
    columns.add(Column.number("rsd %", "simulate: standard deviation of keys per node over the mean (%)", "%.2f", -1,
        s -> s.simulate == null ? null : times(num(s.simulate, "relStdDev"), 100)));
    columns.add(Column.number("moved add ×opt", "simulate: keys moved when a node joined, over 1/(N+1)", "%.2f", -1,
        s -> s.simulate == null ? null : ratio(num(s.simulate, "movedOnAdd"), num(s.simulate, "optimumOnAdd"))));
    columns.add(Column.number("moved rm ×opt", "simulate: keys moved when the middle node left, over its share",
        "%.2f", -1,
        s -> s.simulate == null ? null : ratio(num(s.simulate, "movedOnRemove"), num(s.simulate, "optimumOnRemove"))));
    columns.add(Column.number("viol. add", "simulate: keys moved between two old nodes when a node joined", "%.0f",
        -1, s -> s.simulate == null ? null : num(s.simulate, "violationsOnAdd")));
    columns.add(Column.number("viol. rm", "simulate: keys moved between two surviving nodes when the middle node"
        + " left", "%.0f", -1, s -> s.simulate == null ? null : num(s.simulate, "violationsOnRemove")));
    columns.add(Column.number("memory KiB", "simulate: the structure's size for N nodes (JOL)", "%.1f", -1,
        s -> s.simulate == null ? null : div(num(s.simulate, "memoryBytes"), 1024)));
    columns.add(Column.number("hit ratio %", "load: cache hits over requests in the measured phase (%)", "%.1f", 1,
        s -> s.load == null ? null : times(num(s.load, "cache.hitRatio"), 100)));
    columns.add(Column.number("worst dip %", "load: lowest per-second hit ratio after a node change (%)", "%.1f", 1,
        s -> times(worstDip(s), 100)));
    columns.add(Column.html("recovery s", "load: seconds until the hit ratio was back at 95% of its level before,"
        + " per change", this::recovery));
    columns.add(Column.number("origin req/s", "load: requests that missed and went to the origin, per second", "%.0f",
        -1, s -> s.load == null ? null : num(s.load, "cache.originRps")));
    columns.add(Column.load("client p99 ms", "load: the client's 99th percentile (ms), 95% interval in brackets",
        "%.0f", -1, "client.p99Millis", "p99Millis", 1));
    columns.add(Column.number("server p99 ms", "load: target's 99th percentile (ms, HdrHistogram)", "%.2f", -1,
        s -> s.load == null ? null : div(num(s.load, "server.p99Micros"), 1000)));
    columns.add(Column.load("errors %", "load: share of requests the client counted as failed (%), 95% interval in"
        + " brackets", "%.2f", -1, "client.errorRate", "errorRate", 100));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  /** Our figures beside the published ones. */
  private void published() {
    Map<String, Object> ring100 = vnodeRsd("ring", 100);
    Map<String, Object> ring1000 = vnodeRsd("ring", 1000);
    StrategyResults jump = HashingRunner.jumpOf(family);
    if (ring100 == null && ring1000 == null && (jump == null || jump.simulate == null)) {
      return;
    }
    html.append("<h3>Against the published figures</h3>\n<table class=\"summary\"><thead><tr><th>figure</th>"
        + "<th>published</th><th>this run</th><th title=\"what the same keys thrown at random would show,"
        + " sqrt((N-1)/K): no strategy measures below it\">sampling floor</th></tr></thead><tbody>\n");
    row(html, "ring, 100 virtual nodes per node: relative std. dev. of keys per node",
        "≈ 10% (Lamping &amp; Veach 2014)", ring100);
    row(html, "ring, 1,000 virtual nodes per node: relative std. dev. of keys per node",
        "≈ 3.2% (Lamping &amp; Veach 2014)", ring1000);
    row(html, "jump hash: relative std. dev. of keys per node", "far below 1% (Lamping &amp; Veach 2014)",
        jump == null ? null : jump.simulate);
    html.append("</tbody></table>\n<p class=\"note\">The published figures are the spread of the key space itself;"
        + " a simulation counts a finite sample of keys, whose own noise (the sampling floor) adds to it in"
        + " quadrature.</p>\n");
  }

  private static void row(StringBuilder html, String what, String published, Map<String, Object> point) {
    Double ours = point == null ? null : num(point, "relStdDev");
    Double floor = point == null ? null : num(point, "randomRelStdDev");
    html.append("<tr><th>").append(what).append("</th><td>").append(published).append("</td><td>")
        .append(ours == null ? "–" : String.format(Locale.ROOT, "%.2f%%", ours * 100)).append("</td><td>")
        .append(floor == null ? "–" : String.format(Locale.ROOT, "%.2f%%", floor * 100)).append("</td></tr>\n");
  }

  private Map<String, Object> vnodeRsd(String strategy, int vnodes) {
    StrategyResults s = family.strategy(strategy);
    for (Map<String, Object> p : maps(s == null || s.simulate == null ? null : s.simulate.get("vnodeSweep"))) {
      if (num(p, "vnodes") != null && num(p, "vnodes") == vnodes) {
        return p;
      }
    }
    return null;
  }

  // ---- simulate ----------------------------------------------------------------------------------------------

  private void simulateCharts() throws IOException {
    Map<String, List<double[]>> peak = new LinkedHashMap<>();
    Map<String, List<double[]>> rsd = new LinkedHashMap<>();
    Map<String, List<double[]>> add = new LinkedHashMap<>();
    Map<String, List<double[]>> remove = new LinkedHashMap<>();
    int sweepNodes = 0;
    for (StrategyResults s : strategies) {
      if (s.simulate == null) {
        continue;
      }
      List<Map<String, Object>> vnodes = maps(s.simulate.get("vnodeSweep"));
      if (!vnodes.isEmpty()) {
        peak.put(s.strategy, points(vnodes, "vnodes", "peakToMean", 1));
        rsd.put(s.strategy, points(vnodes, "vnodes", "relStdDev", 100));
        sweepNodes = num(vnodes.get(0), "nodes").intValue();
      }
      List<Map<String, Object>> nodes = maps(s.simulate.get("nodeSweep"));
      if (!nodes.isEmpty()) {
        add.put(s.strategy, points(nodes, "nodes", "movedOnAdd", 1));
        remove.put(s.strategy, points(nodes, "nodes", "movedOnRemove", 1));
        if (!add.containsKey("optimum")) {
          add.put("optimum", points(nodes, "nodes", "optimumOnAdd", 1));
          remove.put("optimum", points(nodes, "nodes", "optimumOnRemove", 1));
        }
      }
    }
    // keep the optimum last, so the strategies take the palette in order
    for (Map<String, List<double[]>> m : List.of(add, remove)) {
      List<double[]> optimum = m.remove("optimum");
      if (optimum != null) {
        m.put("optimum", optimum);
      }
    }
    if (peak.isEmpty() && add.isEmpty()) {
      return;
    }
    html.append("<h3>Simulation: balance against virtual nodes, movement against node count</h3>\n");
    if (!peak.isEmpty()) {
      report.chart(Charts.lines("hashing-vnodes-peak", "Peak-to-mean keys per node against virtual nodes ("
          + sweepNodes + " nodes)", "virtual nodes per node (log scale)", "peak / mean", peak, Set.of(), true, false,
          Map.of(), 600, 400));
      rsd.put("Lamping & Veach (ring)", List.of(new double[] {100, PUBLISHED_RSD_100_VNODES * 100},
          new double[] {1000, PUBLISHED_RSD_1000_VNODES * 100}));
      report.chart(Charts.lines("hashing-vnodes-rsd", "Relative std. dev. of keys per node against virtual nodes ("
          + sweepNodes + " nodes)", "virtual nodes per node (log scale)", "relative std. dev. (%, log scale)", rsd,
          Set.of("Lamping & Veach (ring)"), true, true, Map.of(), 600, 400));
    }
    if (!add.isEmpty()) {
      report.chart(Charts.lines("hashing-moved-add", "Fraction of keys moved when one node joins",
          "nodes before (log scale)", "fraction of keys moved (log scale)", add, Set.of("optimum"), true, true,
          Map.of(), 600, 400));
      report.chart(Charts.lines("hashing-moved-remove", "Fraction of keys moved when the middle node leaves",
          "nodes before (log scale)", "fraction of keys moved (log scale)", remove, Set.of("optimum"), true, true,
          Map.of(), 600, 400));
    }
  }

  // ---- load --------------------------------------------------------------------------------------------------

  private void loadCharts() throws IOException {
    Map<String, List<double[]>> hitRatio = new LinkedHashMap<>();
    Map<String, List<double[]>> origin = new LinkedHashMap<>();
    Map<Double, String> markers = new LinkedHashMap<>();
    Map<String, Map<String, Double>> shares = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      if (s.load == null || !(s.load.get("cache") instanceof Map<?, ?> c)) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> cache = (Map<String, Object>) c;
      @SuppressWarnings("unchecked")
      Map<String, Object> perSecond = (Map<String, Object>) cache.get("perSecond");
      hitRatio.put(s.strategy, series(perSecond.get("hitRatio"), 100));
      origin.put(s.strategy, series(perSecond.get("originRequests"), 1));
      if (markers.isEmpty()) {
        for (Map<String, Object> change : maps(cache.get("changes"))) {
          markers.put(num(change, "atSeconds"), String.valueOf(change.get("change")));
        }
      }
      for (Map<String, Object> node : maps(cache.get("nodes"))) {
        String name = node.get("name") + (Boolean.TRUE.equals(node.get("removed")) ? " (removed)" : "");
        shares.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(s.strategy, times(num(node, "share"), 100));
      }
    }
    if (!hitRatio.isEmpty()) {
      html.append("<h3>Load: the sharded cache while nodes join and leave</h3>\n");
      report.chart(Charts.lines("hashing-load-hit-ratio", "Cache hit ratio per second (load lens)",
          "seconds into the measured phase", "hit ratio (%)", hitRatio, Set.of(), false, false, markers, 620, 420));
      report.chart(Charts.lines("hashing-load-origin", "Origin requests per second: the misses (load lens)",
          "seconds into the measured phase", "origin requests per second", origin, Set.of(), false, false, markers,
          620, 420));
    }
    if (!shares.isEmpty() && shares.size() <= 24) {
      report.chart(Charts.bars("hashing-load-node-share", "Share of requests per cache node (load lens)",
          "share of requests (%)", shares, true, 620, 80 + 34 * strategies.size()));
    }
    Map<String, Histogram> client = report.histograms(strategies,
        s -> HistogramLogs.clientLatency(report.file(s, "clientHlog")));
    Map<String, Histogram> server = report.histograms(strategies,
        s -> HistogramLogs.measuredServerLatency(report.file(s, "serverHlog")));
    if (!client.isEmpty()) {
      report.chart(Charts.percentiles("hashing-load-client-latency",
          "Client latency by percentile (Gatling, load lens)", client, "ms", 1e6, 600, 420,
          ReportWriter.spread(client)));
    }
    if (!server.isEmpty()) {
      report.chart(Charts.percentiles("hashing-load-server-latency",
          "Server latency by percentile (target HdrHistogram, load lens)", server, "ms", 1e6, 600, 420,
          ReportWriter.spread(server)));
    }
  }

  private void changesTable() {
    List<String[]> rows = new ArrayList<>();
    for (StrategyResults s : strategies) {
      if (s.load == null || !(s.load.get("cache") instanceof Map<?, ?> c)) {
        continue;
      }
      for (Object o : (List<?>) c.get("changes")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> change = (Map<String, Object>) o;
        rows.add(new String[] {s.strategy, fmt("%.1f s", num(change, "atSeconds"), 1), esc(String.valueOf(change.get("change"))),
            fmt("%.1f%%", num(change, "hitRatioBefore"), 100), fmt("%.1f%%", num(change, "dipHitRatio"), 100),
            change.get("recoverySeconds") != null ? change.get("recoverySeconds") + " s"
                : change.get("hitRatioBefore") == null ? "–" : "not within the run"});
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    html.append("<h4>Each node change</h4>\n<table class=\"summary\"><thead><tr><th>strategy</th><th>at</th>"
        + "<th>change</th><th>hit ratio before</th><th>dip</th><th>recovery</th></tr></thead><tbody>\n");
    for (String[] r : rows) {
      html.append("<tr><th>").append(esc(r[0])).append("</th>");
      for (int i = 1; i < r.length; i++) {
        html.append("<td>").append(r[i]).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private Double worstDip(StrategyResults s) {
    if (s.load == null || !(s.load.get("cache") instanceof Map<?, ?> c)) {
      return null;
    }
    Double worst = null;
    for (Object o : (List<?>) c.get("changes")) {
      @SuppressWarnings("unchecked")
      Double dip = num((Map<String, Object>) o, "dipHitRatio");
      if (dip != null && (worst == null || dip < worst)) {
        worst = dip;
      }
    }
    return worst;
  }

  private String recovery(StrategyResults s) {
    if (s.load == null || !(s.load.get("cache") instanceof Map<?, ?> c)) {
      return "–";
    }
    List<String> parts = new ArrayList<>();
    for (Object o : (List<?>) c.get("changes")) {
      Object r = ((Map<?, ?>) o).get("recoverySeconds");
      parts.add(r == null ? "–" : String.valueOf(r));
    }
    return parts.isEmpty() ? "–" : esc(String.join(" / ", parts));
  }

  // ---- micro -------------------------------------------------------------------------------------------------

  private void microCharts() throws IOException {
    Map<String, Map<String, Double>> lookup = new LinkedHashMap<>();
    Map<String, Map<String, Double>> build = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> b : microBenchmarks(s)) {
        String key = nodesOf(b) + " nodes" + threads(b);
        Map<String, Map<String, Double>> target = "build".equals(b.get("benchmark")) ? build : lookup;
        double ns = num(b, "nsPerOp");
        target.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(s.strategy,
            "build".equals(b.get("benchmark")) ? ns / 1000 : ns);
      }
    }
    if (!lookup.isEmpty()) {
      html.append("<h3>Micro: lookup and build (JMH)</h3>\n");
      report.chart(Charts.bars("hashing-micro-lookup", "Time per lookup, key hashing included (JMH, micro lens)",
          "ns per lookup", lookup, false, 620, 80 + 18 * strategies.size() * Math.max(1, lookup.size())));
    }
    if (!build.isEmpty()) {
      report.chart(Charts.bars("hashing-micro-build", "Time to build the ring or table (JMH, micro lens)",
          "µs per build", build, false, 620, 80 + 18 * strategies.size() * Math.max(1, build.size())));
    }
    List<Map<String, Object>> rows = family.reference == null ? List.of() : maps(family.reference.get("jumpVsGuava"));
    if (!rows.isEmpty()) {
      html.append("<h4>Jump hash against Guava's <code>Hashing.consistentHash</code>, same JMH run</h4>\n"
          + "<table class=\"summary\"><thead><tr><th>nodes</th><th>threads</th><th>ours ns</th><th>Guava ns</th>"
          + "<th>Guava / ours</th></tr></thead><tbody>\n");
      for (Map<String, Object> r : rows) {
        html.append("<tr><th>").append(esc(String.valueOf(r.get("nodes")))).append("</th><td>")
            .append(esc(String.valueOf(r.get("threads")))).append("</td><td>")
            .append(fmt("%.2f ± %.2f", num(r, "jumpNsPerOp"), num(r, "jumpNsPerOpError"))).append("</td><td>")
            .append(fmt("%.2f ± %.2f", num(r, "guavaNsPerOp"), num(r, "guavaNsPerOpError"))).append("</td><td>")
            .append(fmt("%.3f", num(r, "ratio"), 1)).append("</td></tr>\n");
      }
      html.append("</tbody></table>\n<p class=\"note\">Both compute the same buckets for the same 64-bit keys (a test"
          + " checks it); above 1 means ours is faster.</p>\n");
    }
  }

  private int mostMicroNodes() {
    int most = 0;
    for (StrategyResults s : strategies) {
      for (Map<String, Object> b : microBenchmarks(s)) {
        most = Math.max(most, Integer.parseInt(nodesOf(b)));
      }
    }
    return most;
  }

  private static Double micro(StrategyResults s, String benchmark, int nodes) {
    for (Map<String, Object> b : microBenchmarks(s)) {
      if (benchmark.equals(b.get("benchmark")) && nodesOf(b).equals(String.valueOf(nodes)) && num(b, "threads") == 1) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  private static String nodesOf(Map<String, Object> benchmark) {
    return benchmark.get("params") instanceof Map<?, ?> p ? String.valueOf(p.get("nodes")) : "0";
  }

  private static String threads(Map<String, Object> benchmark) {
    Double t = num(benchmark, "threads");
    return t == null || t == 1 ? "" : ", " + t.intValue() + " threads";
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private static List<double[]> points(List<Map<String, Object>> rows, String x, String y, double scale) {
    List<double[]> out = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Double xv = num(row, x);
      Double yv = num(row, y);
      if (xv != null && yv != null) {
        out.add(new double[] {xv, yv * scale});
      }
    }
    return out;
  }

  /** A per-second series as points at the middle of each second. */
  private static List<double[]> series(Object values, double scale) {
    List<double[]> out = new ArrayList<>();
    if (values instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        Object v = l.get(i);
        out.add(new double[] {i + 0.5, v instanceof Number n ? n.doubleValue() * scale : Double.NaN});
      }
    }
    return out;
  }

  private String describeWorkload() {
    Map<String, Object> w = family.workload;
    StringBuilder out = new StringBuilder();
    if (w.get("simulate") instanceof Map<?, ?> sim) {
      out.append("Simulate: ").append(sim.get("keys")).append(" keys on ").append(sim.get("nodes"))
          .append(" nodes; ").append(sim.get("change")).append("; sweeps of virtual nodes ").append(sim.get("vnodeSweep"))
          .append(" at ").append(sim.get("vnodeSweepNodes")).append(" nodes (").append(sim.get("vnodeSweepKeys"))
          .append(" keys) and of node counts ").append(sim.get("nodeSweep")).append(" (")
          .append(sim.get("nodeSweepKeys")).append(" keys); seed ")
          .append(sim.get("seed")).append(". ");
    }
    if (w.get("load") instanceof Map<?, ?> load) {
      out.append("Load: ").append(load.get("rateRps")).append(" req/s open model of Zipf(")
          .append(load.get("zipf")).append(") reads over ").append(load.get("keys")).append(" keys for ")
          .append(load.get("durationSeconds")).append(" s after ").append(load.get("warmupSeconds"))
          .append(" s warm-up, through ").append(load.get("cacheNodes")).append(" cache nodes of ")
          .append(load.get("entriesPerNode")).append(" entries (LRU) in front of an origin taking ")
          .append(load.get("originTime")).append(" with capacity ").append(load.get("originCapacity"))
          .append("; node changes ").append(load.get("events")).append(". ");
    }
    if (w.get("micro") instanceof Map<?, ?> micro) {
      out.append("Micro: nodes ").append(micro.get("nodes")).append(", threads ").append(micro.get("threads"))
          .append(".");
    }
    return out.toString();
  }

  private static String fmt(String format, Double value, double scale) {
    return value == null ? "–" : String.format(Locale.ROOT, format, value * scale);
  }

  private static String fmt(String format, Double a, Double b) {
    return a == null || b == null ? "–" : String.format(Locale.ROOT, format, a, b);
  }

}
