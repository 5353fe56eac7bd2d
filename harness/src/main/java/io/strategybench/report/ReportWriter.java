package io.strategybench.report;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyModules;
import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched)
 * with a summary table per family, its charts, the checks, and the environment. Every chart also goes to
 * {@code charts/} as SVG and PNG.
 */
public final class ReportWriter {
  public static final String FILE = "report.html";

  private final Path folder;
  private final RunResults results;
  private final FamilyModules modules;
  private final StringBuilder html = new StringBuilder();

  private ReportWriter(Path folder, RunResults results, FamilyModules modules) {
    this.folder = folder;
    this.results = results;
    this.modules = modules;
  }

  /** Writes the report of the run in {@code folder}, each family's section by its module, and returns its path. */
  /** The families the report knows: their sections, and their strategies' characteristics. */
  public FamilyModules modules() {
    return modules;
  }

  public static Path write(Path folder, RunResults results, FamilyModules modules) throws IOException {
    System.setProperty("java.awt.headless", "true");
    return new ReportWriter(folder, results, modules).render();
  }

  private Path render() throws IOException {
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>StrategyBench ").append(esc(results.suite)).append("</title>\n<style>")
        .append(CSS).append("</style></head><body>\n");
    html.append("<h1>StrategyBench: ").append(esc(results.suite)).append("</h1>\n");
    if (results.description != null) {
      html.append("<p class=\"lead\">").append(esc(results.description)).append("</p>\n");
    }
    html.append("<p class=\"meta\">status <b class=\"status-").append(esc(results.status)).append("\">")
        .append(esc(results.status)).append("</b> · started ").append(esc(time(results.startedAt)))
        .append(results.finishedAt == null ? "" : " · finished " + esc(time(results.finishedAt)))
        .append(String.format(Locale.ROOT, " · %.0f s", results.elapsedSeconds)).append("</p>\n");
    if (!RunResults.COMPLETE.equals(results.status)) {
      html.append("<p class=\"warn\">This run is ").append(esc(results.status))
          .append(": what finished is shown; missing cells were not measured.</p>\n");
    }
    trust();
    for (FamilyResults family : results.families) {
      FamilyModule module = modules.find(family.family);
      if (module != null) {
        module.report(this, family);
      } else {
        html.append("<h2>").append(esc(family.title)).append("</h2><p class=\"note\">The family '")
            .append(esc(family.family)).append("' is not installed here (a plugin left out?); its figures are in"
                + " results.json.</p>\n");
      }
    }
    if (results.pipeline != null) {
      new PipelineSection(this, results.pipeline).render();
    }
    environment();
    html.append("</body></html>\n");
    Path file = folder.resolve(FILE);
    Files.writeString(file, html, StandardCharsets.UTF_8);
    return file;
  }

  /**
   * What the figures can be trusted for: the run's verdict, the load steps the machine limited and why, how each
   * family's load rate was chosen, and how to read the intervals.
   */
  private void trust() {
    html.append("<h2>What to trust</h2>\n");
    if (results.verdict != null) {
      html.append("<p>Verdict: <b class=\"verdict-").append(esc(results.verdict)).append("\">")
          .append(esc(results.verdict)).append("</b>").append(switch (results.verdict) {
            case "passed" -> " &mdash; every check passed, every load step measured the strategies.";
            case "failed" -> " &mdash; a check failed (below, in its family's checks).";
            default -> " &mdash; no check failed, but the machine rather than the strategies limited some load"
                + " steps; their figures describe the machine, and the checks on them were not judged.";
          }).append("</p>\n");
    }
    if (!results.inconclusive.isEmpty()) {
      html.append("<div class=\"warn\"><b>Inconclusive load steps</b><ul>");
      results.inconclusive.forEach(i -> html.append("<li>").append(esc(i)).append("</li>"));
      html.append("</ul></div>\n");
    }
    List<String> rates = new ArrayList<>();
    for (FamilyResults f : results.families) {
      if (f.calibration != null) {
        rates.add(String.format(Locale.ROOT, "<li><b>%s</b>: load at %s of this machine's capacity = <b>%s req/s</b>;"
            + " capacity about %s req/s (%s, %s%s).</li>", esc(f.family), esc(String.valueOf(f.calibration.get(
                "rateAsStated"))), fmt(f.calibration.get("rateRps")), fmt(f.calibration.get("kneeRps")),
            esc(String.valueOf(f.calibration.get("limitedBy"))), esc(String.valueOf(f.calibration.get("method"))),
            f.calibration.containsKey("reused") ? "; " + esc(String.valueOf(f.calibration.get("reused"))) : ""));
      }
    }
    if (!rates.isEmpty()) {
      html.append("<p>Load rates stated as a share of capacity, measured by a ramp before the family's load runs:</p>"
          + "<ul>").append(String.join("", rates)).append("</ul>\n");
    }
    html.append("<p class=\"note\">Client and server figures describe the same requests: those of the measured phase,"
        + " which starts after the warm-up's last answer (warm-up, side traffic such as writes beside measured reads,"
        + " and health probes are counted apart). Load figures show a 95% interval in brackets (block bootstrap over"
        + " the seconds of the run); where a strategy's interval overlaps the best one's, it is marked &asymp;: the two"
        + " are indistinguishable in this run. A 99th percentile marked &dagger; rests on fewer than 100 samples beyond"
        + " it. A step marked <span class=\"tag machine\">machine</span> was limited by the machine, not the"
        + " strategy.</p>\n");
  }

  private static String fmt(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%,.0f", n.doubleValue()) : esc(String.valueOf(value));
  }

  private void environment() {
    html.append("<h2>Environment</h2>\n<table class=\"env\">");
    results.environment.forEach((k, v) -> html.append("<tr><th>").append(esc(k)).append("</th><td>")
        .append(esc(String.valueOf(v))).append("</td></tr>"));
    html.append("</table>\n");
  }

  // ---- helpers shared by the family sections -------------------------------------------------------------

  public StringBuilder html() {
    return html;
  }

  public Path folder() {
    return folder;
  }

  /** Writes a chart to charts/ and inlines it. */
  public void chart(Charts.Chart chart) throws IOException {
    String svg = Charts.write(chart, folder.resolve("charts"));
    html.append("<figure class=\"chart\">").append(svg).append("<figcaption><a href=\"charts/")
        .append(chart.name()).append(".svg\">SVG</a> · <a href=\"charts/").append(chart.name())
        .append(".png\">PNG</a></figcaption></figure>\n");
  }

  /**
   * A table with one row per strategy; columns whose {@code lowerIsBetter} is set mark their best value, and, where
   * the column has intervals, every value whose interval overlaps the best one's (indistinguishable from it).
   */
  public void table(List<StrategyResults> strategies, List<Column> columns) {
    Map<Column, Double> best = new LinkedHashMap<>();
    Map<Column, double[]> bestInterval = new LinkedHashMap<>();
    for (Column c : columns) {
      if (c.better != 0) {
        Double b = null;
        StrategyResults holder = null;
        for (StrategyResults s : strategies) {
          Double v = c.value.apply(s);
          if (v != null && !v.isNaN() && (b == null || (c.better < 0 ? v < b : v > b))) {
            b = v;
            holder = s;
          }
        }
        best.put(c, b);
        if (holder != null && c.interval != null) {
          bestInterval.put(c, c.interval.apply(holder));
        }
      }
    }
    html.append("<table class=\"summary\"><thead><tr><th>strategy</th>");
    for (Column c : columns) {
      html.append("<th title=\"").append(esc(c.help)).append("\">").append(esc(c.title)).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    for (StrategyResults s : strategies) {
      boolean machine = s.load != null && s.load.get("diagnosis") instanceof Map<?, ?> d
          && "inconclusive".equals(d.get("verdict"));
      html.append("<tr><th>").append(esc(s.strategy)).append(s.plugin ? " <span class=\"tag\">plugin</span>" : "")
          .append(machine ? " <span class=\"tag machine\" title=\"the machine limited its load step: "
              + esc(String.join("; ", reasons(s.load))) + "\">machine</span>" : "").append("</th>");
      for (Column c : columns) {
        if (c.text != null) {
          html.append("<td>").append(c.text.apply(s)).append("</td>");
          continue;
        }
        Double v = c.value.apply(s);
        double[] interval = c.interval == null ? null : c.interval.apply(s);
        double[] top = bestInterval.get(c);
        boolean isBest = v != null && best.get(c) != null && v.equals(best.get(c));
        boolean tie = !isBest && interval != null && top != null && interval[0] <= top[1] && top[0] <= interval[1];
        html.append("<td").append(isBest ? " class=\"best\"" : tie ? " class=\"tie\" title=\"indistinguishable from"
            + " the best: the intervals overlap\"" : "").append(">")
            .append(tie ? "&asymp; " : "")
            .append(v == null || v.isNaN() ? "–" : String.format(Locale.ROOT, c.format, v));
        if (interval != null && v != null) {
          html.append(" <span class=\"ci\">[").append(String.format(Locale.ROOT, c.format, interval[0])).append("–")
              .append(String.format(Locale.ROOT, c.format, interval[1])).append("]</span>");
        }
        if (c.flag != null && v != null && c.flag.apply(s)) {
          html.append("<span title=\"rests on fewer than 100 samples beyond it\">&dagger;</span>");
        }
        html.append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  @SuppressWarnings("unchecked")
  private static List<String> reasons(Map<String, Object> load) {
    return load.get("diagnosis") instanceof Map<?, ?> d && d.get("reasons") instanceof List<?> l
        ? (List<String>) l : List.of();
  }

  /** The family's checks, errors and raw files. */
  public void checksAndFiles(FamilyResults family) {
    List<StrategyResults> strategies = family.strategies;
    html.append("<h3>Checks</h3>\n<table class=\"summary\"><thead><tr><th>strategy</th><th>lens</th><th>check</th>"
        + "<th>value</th><th>expected</th><th title=\"what the condition allows beyond the ideal, and why\">margin"
        + "</th><th>result</th></tr></thead><tbody>\n");
    for (StrategyResults s : strategies) {
      for (Check c : s.checks) {
        html.append("<tr><th>").append(esc(s.strategy)).append("</th><td>").append(esc(c.lens())).append("</td><td>")
            .append(esc(c.name())).append("</td><td>").append(esc(String.valueOf(c.value()))).append("</td><td>")
            .append(esc(c.expected())).append("</td><td class=\"margin\">").append(esc(c.margin()))
            .append("</td><td>").append(verdict(c)).append("</td></tr>\n");
      }
    }
    html.append("</tbody></table>\n");
    List<String> errors = errorsOf(strategies);
    family.errors.forEach(e -> errors.add(family.family + ": " + e));
    if (!errors.isEmpty()) {
      html.append("<h3>Errors</h3>\n<ul>");
      errors.forEach(e -> html.append("<li class=\"fail\">").append(esc(e)).append("</li>"));
      html.append("</ul>\n");
    }
    html.append("<h3>Raw material</h3>\n<ul class=\"files\">");
    family.files.forEach((k, v) -> html.append("<li>").append(esc(k)).append(": <a href=\"").append(esc(v))
        .append("\">").append(esc(v)).append("</a></li>"));
    for (StrategyResults s : strategies) {
      if (s.load != null && s.load.get("files") instanceof Map<?, ?> files) {
        html.append("<li>").append(esc(s.strategy)).append(": ");
        files.forEach((k, v) -> html.append("<a href=\"").append(esc(String.valueOf(v))).append("\">")
            .append(esc(String.valueOf(k))).append("</a> "));
        html.append("</li>");
      }
    }
    html.append("</ul>\n");
  }

  /** A check's result: pass, FAIL, or not judged with the reason. */
  public static String verdict(Check c) {
    if (c.inconclusive()) {
      return "<span class=\"skip\" title=\"" + esc(c.reason()) + "\">not judged</span>";
    }
    return c.passed() ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">FAIL</span>";
  }

  /** A load run's raw file, or null. */
  public java.nio.file.Path file(StrategyResults s, String key) {
    if (s.load == null || !(s.load.get("files") instanceof Map<?, ?> files) || files.get(key) == null) {
      return null;
    }
    return folder.resolve(String.valueOf(files.get(key)));
  }

  /** Whether the series' 99th percentiles are more than ten times apart: then a log latency axis reads better. */
  public static boolean spread(Map<String, Histogram> series) {
    double low = Double.MAX_VALUE;
    double high = 0;
    for (Histogram h : series.values()) {
      double p99 = h.getValueAtPercentile(99);
      low = Math.min(low, Math.max(p99, 1));
      high = Math.max(high, p99);
    }
    return high > 10 * low;
  }

  /**
   * A summary column.
   *
   * @param title header
   * @param help tooltip: what it is and its unit
   * @param format printf format of the value
   * @param better -1 when lower is better, +1 when higher is, 0 when neither
   * @param value the value, or null when not measured
   * @param text HTML instead of a number, or null
   * @param interval the value's 95% interval {low, high}, or null
   * @param flag whether to mark the value as resting on too few samples, or null
   */
  public record Column(String title, String help, String format, int better, Function<StrategyResults, Double> value,
      Function<StrategyResults, String> text, Function<StrategyResults, double[]> interval,
      Function<StrategyResults, Boolean> flag) {
    public static Column number(String title, String help, String format, int better, Function<StrategyResults, Double> value) {
      return new Column(title, help, format, better, value, null, null, null);
    }

    public static Column html(String title, String help, Function<StrategyResults, String> text) {
      return new Column(title, help, null, 0, null, text, null, null);
    }

    /**
     * A load figure at {@code path} of a strategy's load results, shown with its interval ({@code intervals.KEY},
     * scaled by {@code scale}); a 99th percentile is flagged when it rests on too few samples.
     */
    public static Column load(String title, String help, String format, int better, String path, String key, double scale) {
      Function<StrategyResults, Double> value = s -> s.load == null ? null : times(num(s.load, path), scale);
      Function<StrategyResults, double[]> interval = s -> {
        Double low = s.load == null ? null : num(s.load, "intervals." + key + ".low");
        Double high = s.load == null ? null : num(s.load, "intervals." + key + ".high");
        return low == null || high == null ? null : new double[] {low * scale, high * scale};
      };
      Function<StrategyResults, Boolean> flag = key.toLowerCase(Locale.ROOT).contains("p99")
          ? s -> s.load != null && Boolean.FALSE.equals(nested(s.load, "tail", "p99Reliable")) : null;
      return new Column(title, help, format, better, value, null, interval, flag);
    }
  }

  private static Object nested(Map<String, Object> map, String outer, String inner) {
    return map.get(outer) instanceof Map<?, ?> m ? m.get(inner) : null;
  }

  /** The maps in a JSON list (results.json's arrays of records); empty when it is not a list. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> maps(Object value) {
    if (!(value instanceof List<?> l)) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : l) {
      if (o instanceof Map<?, ?> m) {
        out.add((Map<String, Object>) m);
      }
    }
    return out;
  }

  /** a / b, or null when either is missing or b is 0. */
  public static Double ratio(Double a, Double b) {
    return a == null || b == null || b == 0 ? null : a / b;
  }

  /** value × by, or null when value is missing. */
  public static Double times(Double value, double by) {
    return value == null ? null : value * by;
  }

  /** value / by, or null when value is missing. */
  public static Double div(Double value, double by) {
    return value == null ? null : value / by;
  }

  /** The value at a dotted path of nested maps, as a double, or null. */
  @SuppressWarnings("unchecked")
  public static Double num(Map<String, Object> root, String path) {
    Object current = root;
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = ((Map<String, Object>) map).get(part);
    }
    return current instanceof Number n ? n.doubleValue() : null;
  }

  /** An ISO timestamp to the second, for people: {@code 2026-11-25 15:33:20 UTC}. */
  public static String time(String iso) {
    if (iso == null || iso.length() < 19) {
      return iso;
    }
    return iso.substring(0, 10) + " " + iso.substring(11, 19) + (iso.endsWith("Z") ? " UTC" : "");
  }

  public static String esc(String text) {
    if (text == null) {
      return "";
    }
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  public static String checks(StrategyResults s) {
    if (s.checks.isEmpty() && s.errors.isEmpty()) {
      return "–";
    }
    long failed = s.checks.stream().filter(Check::failed).count();
    long skipped = s.checks.stream().filter(Check::inconclusive).count();
    StringBuilder out = new StringBuilder();
    if (!s.checks.isEmpty()) {
      out.append(failed == 0 ? "<span class=\"pass\">" + (s.checks.size() - skipped) + " passed</span>"
          : "<span class=\"fail\">" + failed + " of " + s.checks.size() + " failed</span>");
      if (skipped > 0) {
        out.append(" · <span class=\"skip\">").append(skipped).append(" not judged</span>");
      }
    }
    if (!s.errors.isEmpty()) {
      out.append(out.length() > 0 ? " · " : "").append("<span class=\"fail\">")
          .append(s.errors.size()).append(" error").append(s.errors.size() > 1 ? "s" : "").append("</span>");
    }
    return out.toString();
  }

  /** Strategy name to histogram, for strategies whose file exists. */
  public Map<String, Histogram> histograms(List<StrategyResults> strategies, Function<StrategyResults, Histogram> read) {
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (StrategyResults s : strategies) {
      Histogram h = read.apply(s);
      if (h != null && h.getTotalCount() > 0) {
        out.put(s.strategy, h);
      }
    }
    return out;
  }

  public static List<String> errorsOf(List<StrategyResults> strategies) {
    List<String> out = new ArrayList<>();
    for (StrategyResults s : strategies) {
      for (String e : s.errors) {
        out.add(s.strategy + ": " + e);
      }
    }
    return out;
  }

  private static final String CSS = """
      body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:2rem auto;max-width:1280px;padding:0 1rem;color:#222;}
      h1{font-size:1.6rem;margin-bottom:.2rem} h2{border-bottom:2px solid #1f77b4;padding-bottom:.2rem;margin-top:2.5rem}
      h3{margin-top:1.8rem} .lead{font-size:1.05rem;color:#333} .meta{color:#555}
      .warn{background:#fff4e5;border-left:4px solid #ff7f0e;padding:.5rem .8rem}
      table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
      th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .45rem;text-align:right;white-space:nowrap}
      thead th{background:#f4f6f8;text-align:center;font-weight:600;cursor:help;white-space:normal;min-width:3.2rem}
      table.summary{font-size:.8rem}
      tbody th{text-align:left;font-weight:600} td.best{background:#e6f4ea;font-weight:700}
      .pass{color:#2ca02c;font-weight:600} .fail{color:#d62728;font-weight:600} .skip{color:#8c6d00;font-weight:600}
      td.tie{background:#f1f8f3} .ci{color:#777;font-size:.72rem} td.margin{white-space:normal;max-width:18rem;
      text-align:left;color:#555} .tag.machine{background:#bcbd22} .verdict-passed{color:#2ca02c}
      .verdict-failed{color:#d62728} .verdict-inconclusive{color:#8c6d00}
      .status-complete{color:#2ca02c} .status-partial,.status-interrupted,.status-running{color:#d62728}
      .tag{font-size:.7rem;background:#9467bd;color:#fff;border-radius:3px;padding:0 .3rem;font-weight:400}
      figure.chart{display:inline-block;margin:.5rem .5rem 1rem 0;vertical-align:top}
      figure.chart svg{max-width:100%;height:auto;border:1px solid #eee}
      figcaption{font-size:.75rem;color:#666} .grid figure.chart{margin-right:.3rem}
      table.env th{text-align:left} table.env td{text-align:left} ul.files li{font-size:.85rem}
      .note{color:#555;font-size:.9rem;max-width:70rem}
      """;
}
