package io.strategybench.run;

import io.strategybench.run.SuiteFiles.Positive;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The micro lens: runs a family's JMH benchmark for each chosen strategy and thread count, with the
 * strategy as a {@code @Param}, in forked JVMs that load the same plugins. Keeps JMH's own JSON and returns
 * the scores.
 */
public final class MicroLens {
  /** Pass as the strategy to run a benchmark that has no {@code strategy} parameter (a reference library's). */
  public static final String REFERENCE = "reference";

  private MicroLens() {}

  /**
   * A family's reference results: the reference benchmark's scores, its comparison rows under {@code rowsKey},
   * and its JMH JSON ({@code jmhJson}, relative to the run folder).
   */
  public static Map<String, Object> referenceResults(List<Score> scores, String rowsKey,
      List<Map<String, Object>> rows, String jmhJson) {
    Map<String, Object> reference = new LinkedHashMap<>();
    reference.put("benchmarks", Json.MAPPER.convertValue(scores, List.class));
    reference.put(rowsKey, rows);
    reference.put("jmhJson", jmhJson);
    return reference;
  }

  /**
   * How long JMH measures.
   *
   * @param warmupIterations warm-up iterations per fork
   * @param warmupMillis length of each warm-up iteration
   * @param iterations measured iterations per fork
   * @param iterationMillis length of each measured iteration
   * @param forks forked JVMs per benchmark
   */
  public record Settings(int warmupIterations, @Positive long warmupMillis, @Positive int iterations, @Positive long iterationMillis, int forks) {
    public Settings {
      if (warmupIterations < 0 || iterations < 1 || forks < 1 || warmupMillis < 1 || iterationMillis < 1) {
        throw new IllegalArgumentException("JMH needs at least 1 iteration and 1 fork, and positive times");
      }
    }

    /** Seconds of warm-up and measured iterations, all forks together, for one benchmark and parameter set. */
    public double iterationSeconds() {
      return forks * (warmupIterations * warmupMillis + iterations * iterationMillis) / 1000.0;
    }

    /** 3 warm-up and 5 measured iterations of 1 s, 1 fork. */
    public static Settings standard() {
      return new Settings(3, 1000, 5, 1000, 1);
    }

    /** 1 warm-up and 3 measured iterations of 400 ms, 1 fork: a rough figure, fast. */
    public static Settings quick() {
      return new Settings(1, 400, 3, 400, 1);
    }
  }

  /**
   * One benchmark score.
   *
   * @param strategy strategy name, or {@code reference} for a reference library's benchmark
   * @param benchmark the benchmark method ({@code pick}, {@code lookup}, {@code guava})
   * @param params the benchmark's other parameters ({@code backends})
   * @param threads calling threads
   * @param nsPerOp mean time of one operation per thread
   * @param nsPerOpError JMH's 99.9% confidence half-width of {@code nsPerOp}
   * @param opsPerSecond operations per second across all threads
   */
  public record Score(String strategy, String benchmark, Map<String, String> params, int threads, double nsPerOp,
      double nsPerOpError, double opsPerSecond) {
    /** This score's ns/op over {@code other}'s, to three decimals: below 1, this one is faster. */
    public double over(Score other) {
      return Math.round(nsPerOp / other.nsPerOp * 1000) / 1000.0;
    }

    /** Records this score in a comparison row: {@code <name>NsPerOp} and {@code <name>NsPerOpError}. */
    public void putInto(Map<String, Object> row, String name) {
      row.put(name + "NsPerOp", nsPerOp);
      row.put(name + "NsPerOpError", nsPerOpError);
    }
  }

  /**
   * Runs {@code benchmark} (a class name) for every strategy and thread count.
   *
   * @param params other {@code @Param} values, name to values
   * @param jsonOut where JMH's JSON (all runs, one array) goes
   * @param progress receives a line before each strategy
   */
  public static List<Score> run(String benchmark, List<String> strategies, Map<String, List<String>> params,
      List<Integer> threads, Settings settings, List<Path> plugins, Path jsonOut, Consumer<String> progress)
      throws IOException {
    ArrayNode all = Json.MAPPER.createArrayNode();
    List<Score> scores = new ArrayList<>();
    Path scratch = Files.createTempDirectory("strategybench-jmh");
    try {
      int step = 0;
      int steps = strategies.size() * threads.size();
      for (String strategy : strategies) {
        for (int t : threads) {
          progress.accept(String.format("micro %s threads=%d (%d/%d)", strategy, t, ++step, steps));
          Path json = scratch.resolve("jmh-" + step + ".json");
          ChainedOptionsBuilder options = new OptionsBuilder()
              .include("^" + java.util.regex.Pattern.quote(benchmark) + "\\.")
              .threads(t)
              .forks(settings.forks())
              .warmupIterations(settings.warmupIterations())
              .warmupTime(TimeValue.milliseconds(settings.warmupMillis()))
              .measurementIterations(settings.iterations())
              .measurementTime(TimeValue.milliseconds(settings.iterationMillis()))
              .timeUnit(TimeUnit.NANOSECONDS)
              .shouldFailOnError(true)
              .verbosity(VerboseMode.SILENT)
              .jvmArgsAppend(forkArgs(plugins))
              .resultFormat(ResultFormatType.JSON)
              .result(json.toString());
          if (!strategy.equals(REFERENCE)) {
            options.param("strategy", strategy);
          }
          for (Map.Entry<String, List<String>> p : params.entrySet()) {
            options.param(p.getKey(), p.getValue().toArray(new String[0]));
          }
          if (listed(benchmark)) {
            runJmh(options);
          } else {
            runJmhApart(benchmark, strategy, params, t, settings, plugins, json);
          }
          scores.addAll(scores(Json.MAPPER.readTree(json.toFile()), strategy, params.keySet(), t));
          JsonNode node = Json.MAPPER.readTree(json.toFile());
          node.forEach(all::add);
        }
      }
    } finally {
      try (var files = Files.list(scratch)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(scratch);
    }
    Files.createDirectories(jsonOut.toAbsolutePath().getParent());
    Json.MAPPER.writeValue(jsonOut.toFile(), all);
    return scores;
  }

  /** The scores of a JMH JSON document: each benchmark's mean ns/op, its error (0 when JMH gives none). */
  static List<Score> scores(JsonNode jmh, String strategy, java.util.Collection<String> paramNames, int threads) {
    List<Score> scores = new ArrayList<>();
    for (JsonNode result : jmh) {
      Map<String, String> other = new LinkedHashMap<>();
      for (String key : paramNames) {
        JsonNode value = result.path("params").get(key);
        other.put(key, value == null ? null : value.asText());
      }
      double ns = number(result.path("primaryMetric").get("score"));
      double error = number(result.path("primaryMetric").get("scoreError"));
      String label = result.path("benchmark").asText();
      String method = label.substring(label.lastIndexOf('.') + 1);
      scores.add(new Score(strategy, method, other, threads, round(ns), Double.isNaN(error) ? 0 : round(error),
          Math.round(threads * 1e9 / ns)));
    }
    return scores;
  }

  /** A JMH number: JSON numbers, or the text {@code NaN} JMH writes when it has none. */
  private static double number(JsonNode node) {
    if (node == null || node.isNull()) {
      return Double.NaN;
    }
    return node.isNumber() ? node.asDouble() : Double.parseDouble(node.asText("NaN"));
  }

  /** Whether this JVM's JMH benchmark list holds {@code benchmark} (a plugin's benchmarks are in its own jar). */
  static boolean listed(String benchmark) {
    try (var in = MicroLens.class.getResourceAsStream("/META-INF/BenchmarkList")) {
      return in != null && new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .contains(benchmark + " ");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Runs JMH in a JVM of its own with the plugin jars first on its class path, so that a plugin's benchmark (and
   * its {@code META-INF/BenchmarkList}) is found; its forks inherit that class path.
   */
  private static void runJmhApart(String benchmark, String strategy, Map<String, List<String>> params, int threads,
      Settings settings, List<Path> plugins, Path json) throws IOException {
    List<String> args = new ArrayList<>(List.of("^" + java.util.regex.Pattern.quote(benchmark) + "\\.",
        "-t", String.valueOf(threads), "-f", String.valueOf(settings.forks()),
        "-wi", String.valueOf(settings.warmupIterations()), "-w", settings.warmupMillis() + "ms",
        "-i", String.valueOf(settings.iterations()), "-r", settings.iterationMillis() + "ms",
        "-tu", "ns", "-foe", "true", "-v", "SILENT", "-rf", "json", "-rff", json.toString(),
        "-jvmArgsAppend", String.join(" ", forkArgs(plugins))));
    if (!strategy.equals(REFERENCE)) {
      args.addAll(List.of("-p", "strategy=" + strategy));
    }
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      args.addAll(List.of("-p", p.getKey() + "=" + String.join(",", p.getValue())));
    }
    Path log = json.resolveSibling(json.getFileName() + ".log");
    Process jmh = JavaProcess.start(JavaProcess.command(List.of("-Xmx512m"), plugins, "org.openjdk.jmh.Main", args),
        log);
    try {
      if (jmh.waitFor() != 0 || !Files.isRegularFile(json)) {
        throw new IOException("JMH of " + benchmark + " failed (exit " + jmh.exitValue() + "):\n"
            + JavaProcess.tail(log, 20));
      }
    } catch (InterruptedException e) {
      JavaProcess.stop(jmh);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while JMH ran " + benchmark, e);
    }
  }

  private static java.util.Collection<RunResult> runJmh(ChainedOptionsBuilder options) throws IOException {
    try {
      return new Runner(options.build()).run();
    } catch (RunnerException e) {
      throw new IOException("JMH failed: " + e.getMessage(), e);
    }
  }

  private static String[] forkArgs(List<Path> plugins) {
    List<String> args = new ArrayList<>();
    args.add("-Dstrategybench.home=" + System.getProperty("strategybench.home", "."));
    if (!plugins.isEmpty()) {
      args.add("-D" + StrategyRegistry.PLUGINS_PROPERTY + "="
          + String.join(File.pathSeparator, plugins.stream().map(Path::toString).toList()));
    }
    String redis = System.getProperty("strategybench.redis");
    if (redis != null) {
      args.add("-Dstrategybench.redis=" + redis);
    }
    args.add("-Xmx512m");
    return args.toArray(new String[0]);
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
