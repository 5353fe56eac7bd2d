package io.strategybench.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Gatling run in a JVM of its own, and what it measured. The figures come from Gatling's own report:
 * the statistics table of the measured request ({@code request}), whose percentiles StrategyBench's
 * {@code gatling.conf} sets to 50, 90, 99 and 99.9; Gatling times in whole milliseconds. The simulation
 * also writes every measured response time to an HdrHistogram log, the full distribution.
 */
public final class GatlingRun {
  /** A row of the statistics tables in Gatling's per-request report page. */
  private static final Pattern TABLE_ROW = Pattern.compile(
      "<td class=\"title\">([^<]+?)(?:</abbr>)?</td>\\s*<td class=\"total\">([^<]*)</td>\\s*"
          + "<td class=\"ok\">([^<]*)</td>\\s*<td class=\"ko\">([^<]*)</td>");

  /**
   * Gatling's JVM: a young generation large enough that no collection falls in a measured phase of a few seconds
   * (the simulation collects once between the warm-up and the measured phase), since a pause of the load
   * generator is lag; its collections logged in its log.
   */
  private static final List<String> JVM = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xms1g", "-Xmx1g",
      "-Xmn700m", "-XX:+UseParallelGC", "-XX:MetaspaceSize=256m", "-Xlog:gc:stdout:uptime");

  private GatlingRun() {}

  /**
   * What Gatling measured for the measured request.
   *
   * @param requests measured requests
   * @param ok answered with an expected status
   * @param ko failed (error status, connection error, timeout)
   * @param meanRps Gatling's "Mean count/s": count divided by the whole run, warm-up included
   * @param latencyMillis percentiles and max, in whole milliseconds ({@code p50}, {@code p90}, {@code p99},
   *     {@code p999}, {@code max}, {@code mean}, {@code min})
   * @param runFolder Gatling's own run folder (its HTML report)
   * @param status Gatling's exit status
   *     (the counts are -1 when Gatling wrote no report: read them from the client latency log)
   */
  public record Result(long requests, long ok, long ko, double meanRps, Map<String, Double> latencyMillis,
      Path runFolder, int status) {}

  /**
   * Runs {@code simulation} with {@code properties} as system properties, its results under
   * {@code resultsFolder}, and reads the figures of the request named {@code request}.
   */
  public static Result run(String simulation, Map<String, String> properties, Path resultsFolder, String description,
      String request, Path log, Consumer<String> progress) throws IOException, InterruptedException {
    return run(simulation, properties, resultsFolder, description, request, log, progress, p -> { });
  }

  /** As {@link #run(String, Map, Path, String, String, Path, Consumer)}; {@code started} gets Gatling's process. */
  public static Result run(String simulation, Map<String, String> properties, Path resultsFolder, String description,
      String request, Path log, Consumer<String> progress, Consumer<Process> started)
      throws IOException, InterruptedException {
    return run(simulation, List.of(), properties, resultsFolder, description, request, log, progress, started);
  }

  /**
   * As {@link #run(String, Map, Path, String, String, Path, Consumer, Consumer)}, with {@code plugins} on Gatling's
   * class path (a plugin family's simulation).
   */
  public static Result run(String simulation, List<Path> plugins, Map<String, String> properties, Path resultsFolder,
      String description, String request, Path log, Consumer<String> progress, Consumer<Process> started)
      throws IOException, InterruptedException {
    Files.createDirectories(resultsFolder);
    List<String> jvm = new ArrayList<>(JVM);
    properties.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
    List<String> command = JavaProcess.command(jvm, plugins, "io.strategybench.scenario.GatlingMain",
        List.of("-s", simulation, "-rf", resultsFolder.toAbsolutePath().toString(), "-rd", description));
    Process process = JavaProcess.start(command, log);
    started.accept(process);
    Path hlog = properties.containsKey("hlog") ? Path.of(properties.get("hlog")) : null;
    try {
      while (!process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
        String live = liveFigures(hlog);
        String line = lastProgressLine(log);
        progress.accept(live.isEmpty() ? line : live + (line.isEmpty() ? "" : "; " + line));
      }
    } catch (InterruptedException e) {
      JavaProcess.stop(process);
      throw e;
    }
    int status = process.exitValue();
    Optional<Path> run = newestRun(resultsFolder);
    if (run.isEmpty()) {
      throw new IOException("Gatling exited with status " + status + " and wrote no run folder:\n"
          + JavaProcess.tail(log, 20));
    }
    try {
      return read(run.get(), request, status);
    } catch (IOException e) {
      if (hlog == null || !Files.isRegularFile(hlog)) {
        throw e;
      }
      // Gatling ran but wrote no report (its own log writer failed, as it now and then does): the client latency
      // log holds every measured request, and the figures come from it alone
      return new Result(-1, -1, -1, Double.NaN, Map.of(), run.get(), status);
    }
  }

  /**
   * Runs {@code simulation} until it ends or {@code stop} says enough (asked once a second; Gatling is then
   * stopped, and writes no report): for a calibration ramp, which reads the client latency log alone.
   *
   * @return whether it was stopped early
   */
  public static boolean runUntil(String simulation, Map<String, String> properties, Path resultsFolder, Path log,
      Consumer<Process> started, java.util.function.BooleanSupplier stop) throws IOException, InterruptedException {
    Files.createDirectories(resultsFolder);
    List<String> jvm = new ArrayList<>(JVM);
    properties.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
    Process process = JavaProcess.start(JavaProcess.command(jvm, "io.strategybench.scenario.GatlingMain",
        List.of("-s", simulation, "-rf", resultsFolder.toAbsolutePath().toString(), "-nr")), log);
    started.accept(process);
    try {
      while (!process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
        if (stop.getAsBoolean()) {
          JavaProcess.stop(process);
          return true;
        }
      }
      return false;
    } finally {
      JavaProcess.stop(process);
    }
  }

  /** Reads the statistics of request {@code request} from a Gatling run folder. */
  public static Result read(Path runFolder, String request, int status) throws IOException {
    Path page;
    try (Stream<Path> files = Files.list(runFolder)) {
      page = files.filter(p -> p.getFileName().toString().startsWith("req_" + request + "-")
              && p.getFileName().toString().endsWith(".html"))
          .findFirst()
          .orElseThrow(() -> new IOException("Gatling's report in " + runFolder + " has no page for request '"
              + request + "' (no such request was made, or the report was not generated)"));
    }
    Map<String, String[]> rows = new LinkedHashMap<>();
    Matcher m = TABLE_ROW.matcher(Files.readString(page, StandardCharsets.UTF_8));
    while (m.find()) {
      rows.putIfAbsent(m.group(1).trim(), new String[] {m.group(2).trim(), m.group(3).trim(), m.group(4).trim()});
    }
    String[] count = rows.get("Total count");
    if (count == null || !rows.containsKey("99th percentile")) {
      throw new IOException("cannot read the statistics table of " + page + "; is this Gatling 3.15's report?");
    }
    Map<String, Double> latency = new LinkedHashMap<>();
    latency.put("min", number(rows, "Min"));
    latency.put("p50", number(rows, "50th percentile"));
    latency.put("p90", number(rows, "90th percentile"));
    latency.put("p99", number(rows, "99th percentile"));
    latency.put("p999", number(rows, "99.9th percentile"));
    latency.put("max", number(rows, "Max"));
    latency.put("mean", number(rows, "Mean"));
    return new Result(parseLong(count[0]), parseLong(count[1]), parseLong(count[2]), number(rows, "Mean count/s"),
        latency, runFolder, status);
  }

  private static double number(Map<String, String[]> rows, String title) {
    String[] row = rows.get(title);
    if (row == null || row[0].equals("-")) {
      return Double.NaN;
    }
    return Double.parseDouble(row[0].replace(",", ""));
  }

  private static long parseLong(String text) {
    return text.equals("-") ? 0 : Long.parseLong(text.replace(",", ""));
  }

  private static Optional<Path> newestRun(Path resultsFolder) throws IOException {
    try (Stream<Path> dirs = Files.list(resultsFolder)) {
      return dirs.filter(Files::isDirectory).max(Comparator.comparing(p -> p.toFile().lastModified()));
    }
  }

  /** The newest progress line of the measured scenario ({@code load}) in Gatling's console output. */
  /**
   * The last second of the client latency log, for the live view: {@code now 598 req/s, p99 27 ms}; empty
   * until the log has an interval.
   */
  static String liveFigures(Path hlog) {
    if (hlog == null || !Files.isRegularFile(hlog)) {
      return "";
    }
    try {
      org.HdrHistogram.HistogramLogReader reader = new org.HdrHistogram.HistogramLogReader(hlog.toFile());
      org.HdrHistogram.Histogram last = null;
      org.HdrHistogram.EncodableHistogram h;
      while ((h = reader.nextIntervalHistogram()) != null) {
        if (h instanceof org.HdrHistogram.Histogram histogram && histogram.getTag() == null) {
          last = histogram;
        }
      }
      if (last == null || last.getTotalCount() == 0) {
        return "";
      }
      double seconds = Math.max(0.001, (last.getEndTimeStamp() - last.getStartTimeStamp()) / 1000.0);
      return String.format(java.util.Locale.ROOT, "now %.0f req/s, p99 %.0f ms", last.getTotalCount() / seconds,
          last.getValueAtPercentile(99) / 1e6);
    } catch (java.io.FileNotFoundException | RuntimeException e) {
      return ""; // a line being written; the next second reads it
    }
  }

  private static String lastProgressLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith("---- load ")) {
          for (int j = i + 1; j < Math.min(lines.size(), i + 4); j++) {
            if (lines.get(j).contains("done:")) {
              return lines.get(j).trim().replaceAll("\\s+", " ");
            }
          }
        }
      }
    } catch (IOException e) {
      // not written yet
    }
    return "";
  }
}
