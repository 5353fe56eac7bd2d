package io.strategybench.results;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.server.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Two runs side by side, metric by metric, for each strategy (and each of a family's scenario runs) both measured:
 * the change, whether it is beyond noise, and whether a gated metric regressed past its threshold.
 *
 * <p>Noise: a JMH score is beyond noise when the two scores' 99.9% confidence intervals (JMH's error bounds) do
 * not overlap; a load figure when its two 95% intervals (schema 2: block bootstrap over the seconds of each run) do
 * not overlap, and it moved by more than the load threshold; without intervals (schema 1) when it moved by more
 * than the threshold; a simulation figure when it changed at all (the simulation is deterministic for its seed),
 * but for the few its family measures on the wall clock ({@code timed}).
 * A load figure of a step either run marked inconclusive is shown, never gated: it measured the machine.
 * Gated (a regression exits 3): every JMH score (slower beyond noise and by more than the micro threshold), the
 * client's p99 and the error rate of each load run.
 */
public final class Comparison {
  /**
   * What counts as a regression.
   *
   * @param micro relative slow-down of a JMH score beyond noise that fails the gate (0.05: 5%)
   * @param latency relative growth of a load run's p99 that fails the gate
   * @param errorRate absolute growth of a load run's error rate that fails the gate (0.01: one point)
   */
  public record Thresholds(double micro, double latency, double errorRate) {
    public static Thresholds defaults() {
      return new Thresholds(0.05, 0.10, 0.01);
    }
  }

  /**
   * One metric of one strategy in both runs.
   *
   * @param lowerIsBetter the direction of better
   * @param beyondNoise whether the change is more than noise
   * @param verdict {@code regressed}, {@code improved}, {@code same} (within noise), {@code changed} (beyond noise,
   *     no better direction) or {@code unbounded} (a JMH score without an error bound: too few iterations to tell)
   * @param gated whether a regression of it fails the comparison
   */
  public record Row(String family, String strategy, String lens, String metric, double baseline, double current,
      double baselineError, double currentError, boolean lowerIsBetter, boolean beyondNoise, String verdict,
      boolean gated) {
    public double change() {
      return baseline == 0 ? (current == 0 ? 0 : Double.POSITIVE_INFINITY) : (current - baseline) / Math.abs(baseline);
    }

    public boolean failsGate() {
      return gated && verdict.equals("regressed");
    }
  }

  private final List<Row> rows = new ArrayList<>();
  /** Load figures of the current run with an interval in the baseline, and how many fell inside it. */
  private int withinCompared;
  private int within;
  private final String baselineName;
  private final String currentName;

  private Comparison(String baselineName, String currentName) {
    this.baselineName = baselineName;
    this.currentName = currentName;
  }

  public List<Row> rows() {
    return rows;
  }

  public boolean regressed() {
    return rows.stream().anyMatch(Row::failsGate);
  }

  /** A run's {@code results.json}, from the file or its folder. */
  public static JsonNode read(Path run) throws IOException {
    Path file = Files.isDirectory(run) ? run.resolve(ResultsWriter.FILE) : run;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(run + " is not a run: no " + ResultsWriter.FILE + " there");
    }
    JsonNode doc = Json.MAPPER.readTree(file.toFile());
    if (!RunResults.SCHEMA.equals(doc.path("schema").asText())) {
      throw new IllegalArgumentException(file + " is not a StrategyBench results file (schema '"
          + doc.path("schema").asText() + "', expected '" + RunResults.SCHEMA + "')");
    }
    return doc;
  }

  private BiPredicate<String, String> timed = (family, figure) -> false;

  public static Comparison of(JsonNode baseline, JsonNode current, Thresholds thresholds) {
    return of(baseline, current, thresholds, (family, figure) -> false);
  }

  /**
   * @param timed whether a family's simulate figure (its field name) is measured on the wall clock, as a lookup's
   *     nanoseconds are: never a change beyond noise (the simulation's seed does not fix it)
   */
  public static Comparison of(JsonNode baseline, JsonNode current, Thresholds thresholds,
      BiPredicate<String, String> timed) {
    Comparison c = new Comparison(name(baseline), name(current));
    c.timed = timed;
    for (JsonNode cf : current.path("families")) {
      JsonNode bf = find(baseline.path("families"), "family", cf.path("family").asText());
      if (bf == null) {
        continue;
      }
      for (JsonNode cs : cf.path("strategies")) {
        JsonNode bs = find(bf.path("strategies"), "strategy", cs.path("strategy").asText());
        if (bs != null) {
          c.strategy(cf.path("family").asText(), cs.path("strategy").asText(), bs, cs, thresholds);
        }
      }
      // a family's scenario runs (the cache's write strategies and protections), each a load step
      cf.path("scenarios").fields().forEachRemaining(scenario -> {
        for (JsonNode cv : scenario.getValue()) {
          JsonNode bv = find(bf.path("scenarios").path(scenario.getKey()), "variant", cv.path("variant").asText());
          if (bv != null && bv.path("load").isObject() && cv.path("load").isObject()) {
            c.load(cf.path("family").asText(), scenario.getKey() + " " + cv.path("variant").asText(),
                bv.path("load"), cv.path("load"), thresholds);
          }
        }
      });
    }
    return c;
  }

  private static String name(JsonNode run) {
    return run.path("suite").asText() + " " + run.path("startedAt").asText();
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value)) {
        return n;
      }
    }
    return null;
  }

  private void strategy(String family, String strategy, JsonNode b, JsonNode c, Thresholds t) {
    for (JsonNode cb : c.path("micro").path("benchmarks")) {
      JsonNode bb = null;
      for (JsonNode x : b.path("micro").path("benchmarks")) {
        if (x.path("benchmark").equals(cb.path("benchmark")) && x.path("threads").equals(cb.path("threads"))
            && x.path("params").equals(cb.path("params"))) {
          bb = x;
        }
      }
      if (bb == null) {
        continue;
      }
      StringBuilder metric = new StringBuilder(cb.path("benchmark").asText()).append(" ns/op");
      cb.path("params").fields().forEachRemaining(e -> {
        if (!e.getKey().equals("strategy")) {
          metric.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
        }
      });
      metric.append(" threads=").append(cb.path("threads").asInt());
      double bv = bb.path("nsPerOp").asDouble();
      double cv = cb.path("nsPerOp").asDouble();
      double be = bb.path("nsPerOpError").asDouble(0);
      double ce = cb.path("nsPerOpError").asDouble(0);
      // JMH gives no error bound for too few iterations (recorded as 0): such a score cannot be told from noise
      boolean bounded = be > 0 && ce > 0;
      boolean beyond = bounded && Math.abs(cv - bv) > be + ce;
      String verdict = !bounded ? "unbounded" : !beyond ? "same"
          : cv > bv ? (cv - bv > t.micro() * bv ? "regressed" : "slower") : "improved";
      rows.add(new Row(family, strategy, "micro", metric.toString(), bv, cv, be, ce, true, beyond, verdict, bounded));
    }
    if (b.path("load").isObject() && c.path("load").isObject()) {
      load(family, strategy, b.path("load"), c.path("load"), t);
    }
    JsonNode bsim = b.path("simulate");
    JsonNode csim = c.path("simulate");
    if (bsim.isObject() && csim.isObject()) {
      Map<String, Double> bf = new LinkedHashMap<>();
      Map<String, Double> cf = new LinkedHashMap<>();
      flatten(bsim, "", 0, bf);
      flatten(csim, "", 0, cf);
      cf.forEach((k, cv) -> {
        Double bv = bf.get(k);
        if (bv != null) {
          boolean differs = Math.abs(cv - bv) > 1e-9 * Math.max(1, Math.abs(bv));
          boolean wallClock = timed.test(family, k.substring(k.lastIndexOf('.') + 1));
          boolean beyond = differs && !wallClock;
          rows.add(new Row(family, strategy, "simulate", k, bv, cv, 0, 0, false, beyond,
              beyond ? "changed" : wallClock ? "timed" : "same", false));
        }
      });
    }
  }

  /** A load step's figures in both runs. */
  private void load(String family, String strategy, JsonNode bl, JsonNode cl, Thresholds t) {
    boolean machine = inconclusive(bl) || inconclusive(cl);
    load(family, strategy, "client p99 ms", bl, cl, "client", "p99Millis", "p99Millis", true, t.latency(), !machine,
        machine);
    load(family, strategy, "client p50 ms", bl, cl, "client", "p50Millis", "p50Millis", true, t.latency(), false,
        machine);
    load(family, strategy, "server p99 µs", bl, cl, "server", "p99Micros", "serverP99Micros", true, t.latency(), false,
        machine);
    load(family, strategy, "throughput req/s", bl, cl, null, "throughputRps", "throughputRps", false, t.latency(),
        false, machine);
    JsonNode be = bl.path("client").path("errorRate");
    JsonNode ce = cl.path("client").path("errorRate");
    if (be.isNumber() && ce.isNumber()) {
      double bv = be.asDouble();
      double cv = ce.asDouble();
      JsonNode bi = bl.path("intervals").path("errorRate");
      JsonNode ci = cl.path("intervals").path("errorRate");
      boolean beyond = Math.abs(cv - bv) > t.errorRate() && !overlap(bi, ci);
      tally(bi, cv);
      rows.add(new Row(family, strategy, "load", "client error rate" + (machine ? " (inconclusive)" : ""), bv, cv, 0, 0,
          true, beyond, !beyond ? "same" : cv > bv ? "regressed" : "improved", !machine));
    }
  }

  private void load(String family, String strategy, String metric, JsonNode bl, JsonNode cl, String part,
      String field, String interval, boolean lowerIsBetter, double threshold, boolean gated, boolean machine) {
    JsonNode b = part == null ? bl.path(field) : bl.path(part).path(field);
    JsonNode c = part == null ? cl.path(field) : cl.path(part).path(field);
    if (!b.isNumber() || !c.isNumber()) {
      return;
    }
    double bv = b.asDouble();
    double cv = c.asDouble();
    JsonNode bi = bl.path("intervals").path(interval);
    JsonNode ci = cl.path("intervals").path(interval);
    tally(bi, cv);
    double change = bv == 0 ? (cv == 0 ? 0 : 1) : (cv - bv) / Math.abs(bv);
    // beyond noise: past the threshold and, where both runs have intervals, with intervals apart
    boolean beyond = Math.abs(change) > threshold && !overlap(bi, ci) && !contains(ci, bv) && !contains(bi, cv);
    boolean worse = lowerIsBetter ? change > 0 : change < 0;
    rows.add(new Row(family, strategy, "load", metric + (machine ? " (inconclusive)" : ""), bv, cv,
        halfWidth(bi), halfWidth(ci), lowerIsBetter, beyond, !beyond ? "same" : worse ? "regressed" : "improved",
        gated));
  }

  private static boolean inconclusive(JsonNode load) {
    return "inconclusive".equals(load.path("diagnosis").path("verdict").asText());
  }

  /**
   * Whether a run's interval holds the other run's figure: a baseline without intervals (schema 1, or a figure it
   * did not bound) is not beyond noise when it lies inside the current run's interval (0 ms against 1 ± 1 ms).
   */
  private static boolean contains(JsonNode interval, double value) {
    return interval.path("low").isNumber() && interval.path("high").isNumber()
        && interval.path("low").asDouble() <= value && value <= interval.path("high").asDouble();
  }

  /** Whether two intervals share a value; false when either is missing (no interval: the threshold alone decides). */
  private static boolean overlap(JsonNode a, JsonNode b) {
    if (!a.path("low").isNumber() || !b.path("low").isNumber()) {
      return false;
    }
    return a.path("low").asDouble() <= b.path("high").asDouble() && b.path("low").asDouble() <= a.path("high").asDouble();
  }

  private static double halfWidth(JsonNode interval) {
    return interval.path("low").isNumber() ? (interval.path("high").asDouble() - interval.path("low").asDouble()) / 2
        : 0;
  }

  /** Counts whether the current run's {@code value} fell within the baseline's {@code interval}. */
  private void tally(JsonNode interval, double value) {
    if (interval.path("low").isNumber() && interval.path("high").isNumber()) {
      withinCompared++;
      if (value >= interval.path("low").asDouble() && value <= interval.path("high").asDouble()) {
        within++;
      }
    }
  }

  /** Load figures of the current run that have a 95% interval in the baseline. */
  public int figuresWithIntervals() {
    return withinCompared;
  }

  /** Of those, how many fell within the baseline's interval. */
  public int figuresWithinIntervals() {
    return within;
  }

  /** Numeric leaves of a simulation's results, two levels deep (deeper ones are its per-point detail). */
  private static void flatten(JsonNode node, String prefix, int depth, Map<String, Double> out) {
    if (node.isNumber()) {
      out.put(prefix, node.asDouble());
      return;
    }
    if (depth >= 2 || !node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      flatten(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), depth + 1, out);
    }
  }

  // ---- output --------------------------------------------------------------------------------------------

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "—";
    }
    return Math.abs(v) >= 1000 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.3g", v);
  }

  private static String withError(double v, double error) {
    return error > 0 ? number(v) + " ± " + number(error) : number(v);
  }

  private static String change(Row r) {
    double c = r.change();
    return Double.isInfinite(c) ? "new" : String.format(Locale.ROOT, "%+.1f%%", c * 100);
  }

  /**
   * The rows worth reading: everything beyond noise, plus every gated row when {@code all}; simulation figures
   * that did not change are left out either way.
   */
  private List<Row> shown(boolean all) {
    return rows.stream().filter(r -> r.beyondNoise() || (all && r.gated())).toList();
  }

  /** A plain-text table for a terminal. */
  public String table(boolean all) {
    StringBuilder b = new StringBuilder();
    b.append("baseline: ").append(baselineName).append("\ncurrent:  ").append(currentName).append("\n\n");
    List<Row> shown = shown(all);
    String format = "%-10s %-28s %-9s %-46s %16s %16s %9s %-10s%n";
    b.append(String.format(Locale.ROOT, format, "family", "strategy", "lens", "metric", "baseline", "current", "change",
        "verdict"));
    for (Row r : shown) {
      b.append(String.format(Locale.ROOT, format, r.family(), r.strategy(), r.lens(), r.metric(),
          withError(r.baseline(), r.baselineError()), withError(r.current(), r.currentError()), change(r),
          r.verdict() + (r.failsGate() ? " (gate)" : "")));
    }
    b.append(summary());
    return b.toString();
  }

  /** The same as Markdown, for a CI comment. */
  public String markdown(boolean all) {
    StringBuilder b = new StringBuilder();
    b.append("### StrategyBench: ").append(regressed() ? "regression" : "no regression").append("\n\n");
    b.append("Baseline `").append(baselineName).append("`, current `").append(currentName).append("`.\n\n");
    b.append("| family | strategy | lens | metric | baseline | current | change | verdict |\n");
    b.append("|---|---|---|---|---:|---:|---:|---|\n");
    for (Row r : shown(all)) {
      String verdict = r.failsGate() ? "**regressed (gate)**" : r.verdict();
      b.append("| ").append(r.family()).append(" | `").append(r.strategy()).append("` | ").append(r.lens())
          .append(" | ").append(r.metric()).append(" | ").append(withError(r.baseline(), r.baselineError()))
          .append(" | ").append(withError(r.current(), r.currentError())).append(" | ").append(change(r))
          .append(" | ").append(verdict).append(" |\n");
    }
    b.append('\n').append(summary());
    return b.toString();
  }

  private String summary() {
    long compared = rows.size();
    long beyond = rows.stream().filter(Row::beyondNoise).count();
    long failed = rows.stream().filter(Row::failsGate).count();
    String intervals = withinCompared == 0 ? ""
        : String.format(Locale.ROOT, "; %d of %d load figures (%.0f%%) within the baseline's 95%% intervals", within,
            withinCompared, 100.0 * within / withinCompared);
    return String.format(Locale.ROOT, "%n%d metrics compared, %d beyond noise, %d gated regressions%s%s%n", compared,
        beyond, failed, failed > 0 ? " (exit 3)" : "", intervals);
  }
}
