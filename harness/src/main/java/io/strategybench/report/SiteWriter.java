package io.strategybench.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.results.Comparison;
import io.strategybench.results.ResultsWriter;
import io.strategybench.results.RunProcess;
import io.strategybench.results.RunResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A static site of runs: {@code runs/<run>/} holds each run as it was written (report, results, charts, raw
 * material), {@code index.html} lists them, newest first, with history charts of headline metrics across
 * them. Publishing again adds runs to those already there; the index is rebuilt from every run in the site.
 * Plain files, no script: any static host serves it.
 */
public final class SiteWriter {
  public static final String INDEX = "index.html";

  private SiteWriter() {}

  /**
   * Copies {@code runs} into the site and rebuilds its index; returns the runs now in the site.
   * {@code withoutRaw} copies only each run's results.json, report.html and PNG charts (its SVGs
   * are inlined in the report), leaving out Gatling's reports, the latency logs and JMH's JSON: small enough
   * to commit, at the price of the report's links to that raw material.
   */
  public static int publish(List<Path> runs, Path site, boolean withoutRaw) throws IOException {
    Path runsDir = Files.createDirectories(site.resolve("runs"));
    for (Path run : runs) {
      JsonNode doc = Comparison.read(run); // a results.json of ours, or a clear error
      RunProcess.requireNotKilled(run, doc, "publish", note -> { });
      if (RunResults.RUNNING.equals(doc.path("status").asText())) {
        throw new IllegalArgumentException(run + " has not finished (its " + ResultsWriter.FILE + " says running"
            + (RunProcess.state(doc) == RunProcess.State.RUNNING ? ", and its process " + doc.path("process").path("pid")
                + " is still running" : "") + "); publish it once it ended, with its report");
      }
      if (!Files.isRegularFile(run.resolve(ReportWriter.FILE))) {
        throw new IllegalArgumentException(run + " has no " + ReportWriter.FILE + "; is it a run folder?");
      }
      Path target = runsDir.resolve(run.toAbsolutePath().normalize().getFileName().toString());
      if (withoutRaw) {
        Files.createDirectories(target.resolve("charts"));
        for (String file : List.of(ResultsWriter.FILE, ReportWriter.FILE)) {
          Files.copy(run.resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> pngs = Files.list(run.resolve("charts"))) {
          for (Path png : pngs.filter(p -> p.toString().endsWith(".png")).toList()) {
            Files.copy(png, target.resolve("charts").resolve(png.getFileName().toString()),
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } else {
        ResultsWriter.copyRun(run, target);
      }
    }
    List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(runsDir)) {
      for (Path dir : dirs.sorted().toList()) {
        if (Files.isRegularFile(dir.resolve(ResultsWriter.FILE))) {
          all.add(Map.entry(dir.getFileName().toString(), Comparison.read(dir)));
        }
      }
    }
    all.sort(Comparator.comparing(e -> e.getValue().path("startedAt").asText()));
    writeIndex(site, all);
    return all.size();
  }

  private static void writeIndex(Path site, List<Map.Entry<String, JsonNode>> runs) throws IOException {
    Charts.prepare();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>StrategyBench runs</title>\n")
        .append("<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1100px;margin:2em auto;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")
        .append("td.num{text-align:right}.fail{color:#b00}.ok{color:#080}figure{margin:1em 0}</style></head><body>\n")
        .append("<h1>StrategyBench runs</h1>\n<p>").append(runs.size())
        .append(" run(s), oldest first in the charts, newest first in the table. Each report opens without a"
            + " network.</p>\n");
    html.append("<table><thead><tr><th>run</th><th>suite</th><th>started</th><th>status</th><th>minutes</th>")
        .append("<th>strategies</th><th>checks</th><th>revision</th></tr></thead><tbody>\n");
    for (int i = runs.size() - 1; i >= 0; i--) {
      String name = runs.get(i).getKey();
      JsonNode doc = runs.get(i).getValue();
      int strategies = 0;
      int checks = 0;
      int failed = 0;
      for (JsonNode f : doc.path("families")) {
        for (JsonNode c : f.path("checks")) {
          checks++;
          failed += c.path("passed").asBoolean() ? 0 : 1;
        }
        for (JsonNode s : f.path("strategies")) {
          strategies++;
          for (JsonNode c : s.path("checks")) {
            checks++;
            failed += c.path("passed").asBoolean() ? 0 : 1;
          }
        }
      }
      html.append("<tr><td><a href=\"runs/").append(ReportWriter.esc(name)).append("/report.html\">")
          .append(ReportWriter.esc(name)).append("</a></td><td>").append(ReportWriter.esc(doc.path("suite").asText()))
          .append("</td><td>").append(ReportWriter.esc(doc.path("startedAt").asText())).append("</td><td>")
          .append(ReportWriter.esc(doc.path("status").asText())).append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%.1f", doc.path("elapsedSeconds").asDouble() / 60))
          .append("</td><td class=\"num\">").append(strategies).append("</td><td class=\"")
          .append(failed > 0 ? "fail" : "ok").append("\">").append(checks - failed).append("/").append(checks)
          .append(" passed</td><td>").append(ReportWriter.esc(doc.path("environment").path("gitRevision").asText("")))
          .append("</td></tr>\n");
    }
    html.append("</tbody></table>\n");
    Path charts = Files.createDirectories(site.resolve("charts"));
    html.append("<h2>History</h2>\n<p>Per family, each strategy's headline figures run by run (x: the run's"
        + " place in the table, oldest 1): the first JMH score, and the client's p99 in the load run.</p>\n");
    Set<String> families = new java.util.LinkedHashSet<>();
    runs.forEach(r -> r.getValue().path("families").forEach(f -> families.add(f.path("family").asText())));
    for (String family : families) {
      Map<String, List<double[]>> micro = new TreeMap<>();
      Map<String, List<double[]>> p99 = new TreeMap<>();
      String microName = null;
      for (int i = 0; i < runs.size(); i++) {
        for (JsonNode f : runs.get(i).getValue().path("families")) {
          if (!f.path("family").asText().equals(family)) {
            continue;
          }
          for (JsonNode s : f.path("strategies")) {
            String name = s.path("strategy").asText();
            JsonNode first = s.path("micro").path("benchmarks").path(0);
            if (first.path("nsPerOp").isNumber()) {
              micro.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {i + 1, first.path("nsPerOp").asDouble()});
              microName = first.path("benchmark").asText();
            }
            JsonNode p = s.path("load").path("client").path("p99Millis");
            if (p.isNumber()) {
              p99.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {i + 1, p.asDouble()});
            }
          }
        }
      }
      html.append("<h3>").append(ReportWriter.esc(family)).append("</h3>\n");
      if (!micro.isEmpty()) {
        chart(html, charts, Charts.lines("history-" + family + "-micro", family + ": ns per " + microName
            + " (JMH), run by run", "run", "ns per operation", micro, Set.of(), false, false, new LinkedHashMap<>(),
            820, 420));
      }
      if (!p99.isEmpty()) {
        chart(html, charts, Charts.lines("history-" + family + "-p99", family + ": client p99 under load, run by run",
            "run", "p99 latency (ms)", p99, Set.of(), false, false, new LinkedHashMap<>(), 820, 420));
      }
    }
    html.append("</body></html>\n");
    Files.writeString(site.resolve(INDEX), html.toString(), StandardCharsets.UTF_8);
  }

  private static void chart(StringBuilder html, Path charts, Charts.Chart chart) throws IOException {
    String svg = Charts.write(chart, charts);
    html.append("<figure>").append(svg).append("<figcaption><a href=\"charts/").append(chart.name())
        .append(".svg\">SVG</a> · <a href=\"charts/").append(chart.name()).append(".png\">PNG</a></figcaption></figure>\n");
  }
}
