package io.strategybench.delivery;

import static io.strategybench.report.ReportWriter.num;

import io.strategybench.report.Charts;
import io.strategybench.report.FamilySection;
import io.strategybench.report.ReportWriter;
import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The delivery family's section: per channel, the staleness, requests, bytes and connections the simulation finds
 * with each fan-out (and what an instance outage loses), the cost of encoding one event (JMH), and what the load
 * runs measured: event-to-client latency by percentile, requests and bytes per event, connections held, gaps and
 * duplicates across the instance kill, and the capacity of one instance.
 */
final class DeliverySection extends FamilySection {
  DeliverySection(ReportWriter report, FamilyResults family) {
    super(report, family);
  }

  @Override
  public void render() throws IOException {
    head("Subscribers waiting for events: how stale what they see is, what each delivered event costs in requests,"
        + " bytes and held connections, and what a reconnect or a dead instance loses. The simulation runs each"
        + " channel with each fan-out on a virtual clock (Poisson events, subscribers pinned to instances, one"
        + " instance down for a while); JMH times encoding one event; the load runs hold Gatling subscribers on the"
        + " instances, publish on any of them, kill one and start it again; capacity is the most subscribers one"
        + " instance holds with delivery p95 under the bound.", columns());
    charts();
    report.checksAndFiles(family);
  }

  private static List<Map<String, Object>> runs(Map<String, Object> lens) {
    return lens == null ? List.of() : ReportWriter.maps(lens.get("runs"));
  }

  /** The run of {@code lens} the summary shows: redis-streams when there is one (the kill matters there), else the first. */
  private static Map<String, Object> shown(Map<String, Object> lens) {
    List<Map<String, Object>> runs = runs(lens);
    for (Map<String, Object> r : runs) {
      if ("redis-streams".equals(r.get("fanout"))) {
        return r;
      }
    }
    return runs.isEmpty() ? null : runs.get(0);
  }

  private static Double of(Map<String, Object> lens, String key) {
    Map<String, Object> r = shown(lens);
    return r == null ? null : num(r, key);
  }

  private static Double encodeNanos(StrategyResults s) {
    for (Map<String, Object> b : microBenchmarks(s)) {
      if ("encode".equals(b.get("benchmark"))) {
        return num(b, "nsPerOp");
      }
    }
    return null;
  }

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    columns.add(Column.number("sim p50 ms", "simulate: staleness (publish to client) median, redis-streams run",
        "%.1f", -1, s -> of(s.simulate, "stalenessP50Millis")));
    columns.add(Column.number("sim p99 ms", "simulate: staleness 99th percentile", "%.1f", -1,
        s -> of(s.simulate, "stalenessP99Millis")));
    columns.add(Column.number("sim req/ev", "simulate: HTTP requests per delivered event", "%.2f", -1,
        s -> of(s.simulate, "requestsPerDeliveredEvent")));
    columns.add(Column.number("sim conns", "simulate: connections held on average", "%.0f", -1,
        s -> of(s.simulate, "connectionsHeldMean")));
    columns.add(Column.number("sim lost", "simulate: events a subscriber never got across the outage", "%.0f", -1,
        s -> of(s.simulate, "lost")));
    columns.add(Column.number("encode ns", "JMH: one event encoded for the channel's wire", "%.0f", -1,
        DeliverySection::encodeNanos));
    columns.add(Column.number("p50 ms", "load: event-to-client latency median (redis-streams run)", "%.1f", -1,
        s -> of(s.load, "p50Millis")));
    columns.add(Column.number("p99 ms", "load: event-to-client latency 99th percentile", "%.1f", -1,
        s -> of(s.load, "p99Millis")));
    columns.add(Column.number("req/ev", "load: requests the instances served per delivered event", "%.2f", -1,
        s -> of(s.load, "requestsPerEvent")));
    columns.add(Column.number("B/ev", "load: bytes on the wire (both ways, heads included) per delivered event",
        "%.0f", -1, s -> of(s.load, "bytesPerEvent")));
    columns.add(Column.number("gaps", "load: events a subscriber never got, one instance killed", "%.0f", -1,
        s -> of(s.load, "gaps")));
    columns.add(Column.number("dups", "load: events a subscriber got twice", "%.0f", -1,
        s -> of(s.load, "duplicates")));
    columns.add(Column.number("capacity", "load: the most subscribers one instance held with delivery p95 under the"
        + " bound", "%.0f", 1, s -> s.load == null ? null : num(s.load, "capacity.subscribers")));
    columns.add(Column.html("checks", "checks passed and errors", ReportWriter::checks));
    return columns;
  }

  private void charts() throws IOException {
    Map<String, Histogram> latency = new LinkedHashMap<>();
    Map<String, Map<String, Double>> requests = new LinkedHashMap<>();
    Map<String, Map<String, Double>> connections = new LinkedHashMap<>();
    Map<String, Map<String, Double>> capacity = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      for (Map<String, Object> r : runs(s.simulate)) {
        String fanout = String.valueOf(r.get("fanout"));
        put(requests, "simulate, " + fanout, s.strategy, num(r, "requestsPerDeliveredEvent"));
        put(connections, "simulate, " + fanout + " (mean)", s.strategy, num(r, "connectionsHeldMean"));
      }
      for (Map<String, Object> r : runs(s.load)) {
        String fanout = String.valueOf(r.get("fanout"));
        put(requests, "load, " + fanout, s.strategy, num(r, "requestsPerEvent"));
        put(connections, "load, " + fanout + " (peak)", s.strategy, num(r, "connectionsPeak"));
        Object files = r.get("files");
        Path log = report.folder().resolve("load").resolve(family.family).resolve(s.strategy + "-" + fanout)
            .resolve("delivery.hlog");
        if (files != null && Files.exists(log)) {
          Histogram h = DeliveryHistograms.read(log);
          if (h.getTotalCount() > 0) {
            latency.put(s.strategy + ", " + fanout, h);
          }
        }
      }
      if (s.load != null && num(s.load, "capacity.subscribers") != null) {
        put(capacity, "subscribers with p95 under the bound", s.strategy, num(s.load, "capacity.subscribers"));
      }
    }
    if (!latency.isEmpty()) {
      report.chart(Charts.percentiles("delivery-latency", "Event to client, by percentile (load runs)", latency, "ms",
          1000.0, 760, 420, true));
    }
    if (!requests.isEmpty()) {
      report.chart(Charts.bars("delivery-requests", "Requests per delivered event", "requests", requests, false, 760,
          120 + 40 * strategies.size()));
    }
    if (!connections.isEmpty()) {
      report.chart(Charts.bars("delivery-connections", "Connections held", "connections", connections, false, 760,
          120 + 40 * strategies.size()));
    }
    if (!capacity.isEmpty()) {
      report.chart(Charts.bars("delivery-capacity", "Subscribers one instance holds with delivery p95 under the"
          + " bound", "subscribers", capacity, false, 760, 100 + 36 * strategies.size()));
    }
  }

  private static void put(Map<String, Map<String, Double>> chart, String series, String strategy, Double value) {
    if (value != null) {
      chart.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(strategy, value);
    }
  }
}
