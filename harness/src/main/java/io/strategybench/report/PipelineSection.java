package io.strategybench.report;

import static io.strategybench.report.ReportWriter.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's section of a suite's pipeline (the API gateway): each variant's load figures (the whole pipeline,
 * then without each stage), and per stage the requests it received, passed on and answered, the server-side time
 * it held them, and its own counters. Names no family: the stages come from the results.
 */
final class PipelineSection {
  /** Most counters shown per stage: the first non-zero ones, in the stage's own order. */
  private static final int COUNTERS = 8;

  private final ReportWriter report;
  private final Map<String, Object> pipeline;

  PipelineSection(ReportWriter report, Map<String, Object> pipeline) {
    this.report = report;
    this.pipeline = pipeline;
  }

  void render() {
    StringBuilder html = report.html();
    html.append("<h2>Pipeline: ").append(esc(String.join(" → ", strings(pipeline.get("stages"))))).append("</h2>\n");
    html.append("<p class=\"lead\">Stages of several families in one target, as an API gateway runs them. Each"
        + " variant is the same traffic through the whole pipeline, or with one stage left out: what the stage"
        + " changes shows in what reaches the stages behind it. <i>Held</i> is the server-side time a stage kept a"
        + " request: until it passed it on (the latency it adds in front of the rest), or until its own answer was"
        + " complete (for the last stage, its backend's time included).</p>\n");
    List<Map<String, Object>> variants = ReportWriter.maps(pipeline.get("variants"));
    html.append("<table class=\"summary\"><thead><tr><th>variant</th><th>stages</th><th>throughput req/s</th>"
        + "<th>client p50 ms</th><th>client p99 ms</th><th>errors %</th><th>reached the last stage</th>"
        + "<th>verdict</th></tr></thead><tbody>\n");
    for (Map<String, Object> v : variants) {
      Map<String, Object> load = v.get("load") instanceof Map<?, ?> m ? cast(m) : Map.of();
      html.append("<tr><td>").append(esc(String.valueOf(v.get("name")))).append("</td><td>")
          .append(esc(String.join(" → ", strings(v.get("stages"))))).append("</td>");
      if (load.isEmpty()) {
        html.append("<td colspan=\"6\" class=\"warn\">").append(esc(String.valueOf(v.get("error"))))
            .append("</td></tr>\n");
        continue;
      }
      cell(html, ReportWriter.num(load, "throughputRps"), "%.0f");
      cell(html, ReportWriter.num(load, "client.p50Millis"), "%.1f");
      cell(html, ReportWriter.num(load, "client.p99Millis"), "%.1f");
      cell(html, ReportWriter.times(ReportWriter.num(load, "client.errorRate"), 100), "%.2f");
      List<Map<String, Object>> stages = ReportWriter.maps(load.get("stages"));
      Double last = stages.isEmpty() ? null : ReportWriter.num(stages.get(stages.size() - 1), "entered");
      cell(html, last, "%.0f");
      Object verdict = load.get("diagnosis") instanceof Map<?, ?> d ? d.get("verdict") : null;
      html.append("<td>").append(esc(verdict == null ? "" : String.valueOf(verdict))).append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
    for (Map<String, Object> v : variants) {
      if (!(v.get("load") instanceof Map<?, ?> m)) {
        continue;
      }
      html.append("<h3>").append(esc(String.valueOf(v.get("name")))).append(": each stage</h3>\n");
      html.append("<table class=\"summary\"><thead><tr><th>stage</th><th>entered</th><th>passed on</th>"
          + "<th>answered</th><th>held before passing, p50 / p99 µs</th><th>held to its answer, p50 / p99 µs</th>"
          + "<th>its counters</th></tr></thead><tbody>\n");
      for (Map<String, Object> stage : ReportWriter.maps(cast(m).get("stages"))) {
        html.append("<tr><td>").append(esc(String.valueOf(stage.get("stage")))).append("</td>");
        cell(html, ReportWriter.num(stage, "entered"), "%.0f");
        cell(html, ReportWriter.num(stage, "passed"), "%.0f");
        cell(html, ReportWriter.num(stage, "answered"), "%.0f");
        html.append("<td>").append(pair(stage, "passLatency")).append("</td><td>").append(pair(stage, "answerLatency"))
            .append("</td><td>").append(esc(counters(stage))).append("</td></tr>\n");
      }
      html.append("</tbody></table>\n");
    }
    for (String error : strings(pipeline.get("errors"))) {
      html.append("<p class=\"warn\">").append(esc(error)).append("</p>\n");
    }
  }

  private static String pair(Map<String, Object> stage, String key) {
    Double count = ReportWriter.num(stage, key + ".count");
    if (count == null || count == 0) {
      return "&mdash;";
    }
    return String.format(Locale.ROOT, "%.0f / %.0f", ReportWriter.num(stage, key + ".p50Micros"),
        ReportWriter.num(stage, key + ".p99Micros"));
  }

  private static String counters(Map<String, Object> stage) {
    List<String> parts = new ArrayList<>();
    if (stage.get("counters") instanceof Map<?, ?> counters) {
      for (Map.Entry<?, ?> e : counters.entrySet()) {
        if (parts.size() >= COUNTERS) {
          break;
        }
        if (e.getValue() instanceof Number n && n.doubleValue() != 0) {
          parts.add(e.getKey() + " " + (n.doubleValue() == Math.rint(n.doubleValue()) ? String.valueOf(n.longValue())
              : String.format(Locale.ROOT, "%.3f", n.doubleValue())));
        } else if (e.getValue() instanceof String s && e.getKey().equals("strategy")) {
          parts.add(s);
        }
      }
    }
    return String.join(" · ", parts);
  }

  private static void cell(StringBuilder html, Double value, String format) {
    html.append("<td class=\"num\">").append(value == null ? "" : String.format(Locale.ROOT, format, value))
        .append("</td>");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }
}
