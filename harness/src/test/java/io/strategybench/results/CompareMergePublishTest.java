package io.strategybench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strategybench.cli.CliRun;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.server.Json;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare, merge and publish on synthetic runs whose answers are known. */
class CompareMergePublishTest {
  @TempDir
  Path temp;

  /** A run of one lb strategy: a JMH score with its error, a load run with its p99 and error rate. */
  private static RunResults run(String startedAt, double nsPerOp, double error, double p99, double errorRate) {
    RunResults r = new RunResults();
    r.suite = "synthetic";
    r.status = RunResults.COMPLETE;
    r.startedAt = startedAt;
    FamilyResults f = new FamilyResults();
    f.family = "lb";
    f.title = "Load balancing";
    StrategyResults s = new StrategyResults();
    s.strategy = "round-robin";
    Map<String, Object> bench = new LinkedHashMap<>();
    bench.put("strategy", "round-robin");
    bench.put("benchmark", "pick");
    bench.put("params", Map.of("backends", "16"));
    bench.put("threads", 1);
    bench.put("nsPerOp", nsPerOp);
    bench.put("nsPerOpError", error);
    s.micro = new LinkedHashMap<>(Map.of("benchmarks", List.of(bench)));
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("requests", 1000);
    client.put("ok", Math.round(1000 * (1 - errorRate)));
    client.put("ko", Math.round(1000 * errorRate));
    client.put("errorRate", errorRate);
    client.put("p50Millis", 5.0);
    client.put("p99Millis", p99);
    s.load = new LinkedHashMap<>();
    s.load.put("client", client);
    s.load.put("throughputRps", 500.0);
    f.strategies.add(s);
    r.families.add(f);
    return r;
  }

  private Path write(String name, RunResults r) throws Exception {
    Path dir = Files.createDirectories(temp.resolve(name));
    ResultsWriter.write(dir, r);
    return dir;
  }

  @Test
  void aSyntheticRegressionExits3AndNoiseDoesNot() throws Exception {
    Path base = write("base", run("2026-01-01T00:00:00Z", 100, 2, 50, 0.0));
    Path noise = write("noise", run("2026-01-02T00:00:00Z", 103, 2, 53, 0.0)); // within error bounds and 10%
    Path slower = write("slower", run("2026-01-03T00:00:00Z", 130, 2, 50, 0.0)); // 30% slower, bounds apart
    Path tail = write("tail", run("2026-01-04T00:00:00Z", 100, 2, 80, 0.05)); // p99 +60%, errors +5 points

    CliRun same = CliRun.of("compare", base.toString(), noise.toString());
    assertThat(same.status()).as(same.out() + same.err()).isZero();
    assertThat(same.out()).contains("0 gated regressions");

    Path md = temp.resolve("comment.md");
    CliRun micro = CliRun.of("compare", base.toString(), slower.toString(), "--markdown", md.toString());
    assertThat(micro.status()).as(micro.out() + micro.err()).isEqualTo(3);
    assertThat(micro.out()).contains("pick ns/op backends=16 threads=1").contains("+30.0%").contains("regressed (gate)");
    assertThat(Files.readString(md)).contains("### StrategyBench: regression")
        .contains("| lb | `round-robin` | micro | pick ns/op backends=16 threads=1 | 100 ± 2 | 130 ± 2 | +30.0% |"
            + " **regressed (gate)** |");
    // a looser gate lets the same slow-down pass
    assertThat(CliRun.of("compare", base.toString(), slower.toString(), "--micro-threshold", "40").status()).isZero();

    Comparison load = Comparison.of(Comparison.read(base), Comparison.read(tail), Comparison.Thresholds.defaults());
    assertThat(load.regressed()).isTrue();
    assertThat(load.rows()).filteredOn(Comparison.Row::failsGate).extracting(Comparison.Row::metric)
        .containsExactlyInAnyOrder("client p99 ms", "client error rate");
    // an improvement is beyond noise but fails nothing
    Comparison back = Comparison.of(Comparison.read(slower), Comparison.read(base), Comparison.Thresholds.defaults());
    assertThat(back.regressed()).isFalse();
    assertThat(back.rows()).filteredOn(r -> r.lens().equals("micro")).singleElement()
        .satisfies(r -> assertThat(r.verdict()).isEqualTo("improved"));

    assertThatThrownBy(() -> Comparison.read(temp.resolve("nothing"))).hasMessageContaining("no results.json");
  }

  /** A run of one hashing strategy's simulation: a figure the seed fixes and one timed on the wall clock. */
  private static RunResults simulated(String startedAt, double peakToMean, double lookupNanos) {
    RunResults r = new RunResults();
    r.suite = "synthetic";
    r.status = RunResults.COMPLETE;
    r.startedAt = startedAt;
    FamilyResults f = new FamilyResults();
    f.family = "hashing";
    f.title = "Consistent hashing";
    StrategyResults s = new StrategyResults();
    s.strategy = "ring";
    s.simulate = new LinkedHashMap<>(Map.of("peakToMean", peakToMean, "lookupNanos", lookupNanos));
    f.strategies.add(s);
    r.families.add(f);
    return r;
  }

  @Test
  void aSimulationFigureTheSeedFixesChangesBeyondNoiseAndATimedOneNever() throws Exception {
    Path base = write("s-base", simulated("2026-01-01T00:00:00Z", 1.10, 80));
    CliRun timed = CliRun.of("compare", base.toString(),
        write("s-timed", simulated("2026-01-02T00:00:00Z", 1.10, 120)).toString(), "--all");
    assertThat(timed.status()).as(timed.out() + timed.err()).isZero();
    assertThat(timed.out()).contains("0 beyond noise").doesNotContain("lookupNanos");
    CliRun changed = CliRun.of("compare", base.toString(),
        write("s-changed", simulated("2026-01-03T00:00:00Z", 1.25, 80)).toString());
    assertThat(changed.out()).contains("1 beyond noise").containsPattern("peakToMean .* changed");
  }

  /** The run with 95% intervals on its load figures, and its load step conclusive or not. */
  private static RunResults withIntervals(String startedAt, double p99, double low, double high, boolean conclusive) {
    RunResults r = run(startedAt, 100, 2, p99, 0.0);
    Map<String, Object> load = r.families.get(0).strategies.get(0).load;
    load.put("step", "load/lb/round-robin");
    load.put("intervals", Map.of("p99Millis", Map.of("low", low, "high", high, "blocks", 8),
        "p50Millis", Map.of("low", 4.0, "high", 6.0, "blocks", 8),
        "throughputRps", Map.of("low", 499.0, "high", 500.0, "blocks", 8),
        "errorRate", Map.of("low", 0.0, "high", 0.0, "blocks", 8)));
    load.put("diagnosis", Map.of("verdict", conclusive ? "conclusive" : "inconclusive", "reasons", List.of()));
    return r;
  }

  @Test
  void aLoadFigureIsBeyondNoiseOnlyWhenItsIntervalsAreApartAndNeverGatedOnAnInconclusiveStep() throws Exception {
    Path base = write("i-base", withIntervals("2026-01-01T00:00:00Z", 50, 40, 70, true));
    // +30%: past the 10% threshold, but the intervals overlap: indistinguishable
    Comparison overlap = Comparison.of(Comparison.read(base), Comparison.read(write("i-overlap",
        withIntervals("2026-01-02T00:00:00Z", 65, 50, 80, true))), Comparison.Thresholds.defaults());
    assertThat(overlap.regressed()).isFalse();
    assertThat(overlap.rows()).filteredOn(r -> r.metric().equals("client p99 ms")).singleElement()
        .satisfies(r -> assertThat(r.verdict()).isEqualTo("same"));
    // the current p99 of 65 lies within the baseline's 40..70, and so do p50, throughput and errors
    assertThat(overlap.figuresWithIntervals()).isEqualTo(4);
    assertThat(overlap.figuresWithinIntervals()).isEqualTo(4);
    assertThat(overlap.table(false)).contains("4 of 4 load figures (100%) within the baseline's 95% intervals");
    // +80%, intervals apart: a regression
    Comparison apart = Comparison.of(Comparison.read(base), Comparison.read(write("i-apart",
        withIntervals("2026-01-03T00:00:00Z", 90, 85, 100, true))), Comparison.Thresholds.defaults());
    assertThat(apart.regressed()).isTrue();
    assertThat(apart.figuresWithinIntervals()).isEqualTo(3);
    // a baseline without intervals (an older run) inside the current run's interval: the same, not a regression
    Path old = write("i-old", run("2026-01-01T00:00:00Z", 100, 2, 50, 0.0));
    Comparison inside = Comparison.of(Comparison.read(old), Comparison.read(write("i-inside",
        withIntervals("2026-01-05T00:00:00Z", 60, 45, 75, true))), Comparison.Thresholds.defaults());
    assertThat(inside.rows()).filteredOn(r -> r.metric().equals("client p99 ms")).singleElement()
        .satisfies(r -> assertThat(r.verdict()).isEqualTo("same"));
    Comparison outside = Comparison.of(Comparison.read(old), Comparison.read(write("i-outside",
        withIntervals("2026-01-06T00:00:00Z", 60, 55, 75, true))), Comparison.Thresholds.defaults());
    assertThat(outside.rows()).filteredOn(r -> r.metric().equals("client p99 ms")).singleElement()
        .satisfies(r -> assertThat(r.verdict()).isEqualTo("regressed"));
    // the same figures from a step the machine limited: shown, not gated
    Comparison machine = Comparison.of(Comparison.read(base), Comparison.read(write("i-machine",
        withIntervals("2026-01-04T00:00:00Z", 90, 85, 100, false))), Comparison.Thresholds.defaults());
    assertThat(machine.regressed()).isFalse();
    assertThat(machine.rows()).filteredOn(r -> r.metric().startsWith("client p99 ms")).singleElement()
        .satisfies(r -> assertThat(r.metric()).contains("inconclusive"));
  }

  /** Writes {@code samples} as an interval log of a few intervals, and records them into {@code all} too. */
  private static void log(Path file, long[] samples, Histogram all, long startMillis) throws Exception {
    Files.createDirectories(file.getParent());
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
      HistogramLogWriter writer = new HistogramLogWriter(out);
      writer.outputLogFormatVersion();
      writer.outputLegend();
      int perInterval = samples.length / 5 + 1;
      for (int i = 0; i < samples.length; i += perInterval) {
        Histogram h = new Histogram(3);
        for (int j = i; j < Math.min(samples.length, i + perInterval); j++) {
          h.recordValue(samples[j]);
          all.recordValue(samples[j]);
        }
        h.setStartTimeStamp(startMillis + i);
        h.setEndTimeStamp(startMillis + i + 1000);
        writer.outputIntervalHistogram(h);
      }
    }
  }

  @Test
  void mergingTwoGeneratorsGivesThePercentilesOfOneHistogramOfAllSamples() throws Exception {
    Histogram all = new Histogram(3);
    SplittableRandom random = new SplittableRandom(5);
    Path[] runs = new Path[2];
    for (int g = 0; g < 2; g++) {
      RunResults r = run("2026-01-0" + (g + 1) + "T00:00:00Z", 100, 1, 10, 0.0);
      StrategyResults s = r.families.get(0).strategies.get(0);
      s.load.put("files", Map.of("clientHlog", "load/lb/round-robin/client.hlog"));
      runs[g] = write("gen" + g, r);
      // the two generators see different latencies: one fast, one with a slow tail
      long[] samples = new long[g == 0 ? 20_000 : 7_000];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = g == 0 ? 1_000_000 + random.nextLong(4_000_000) : 2_000_000 + (long) (-Math.log(1 - random.nextDouble()) * 40_000_000);
      }
      log(runs[g].resolve("load/lb/round-robin/client.hlog"), samples, all, 1_700_000_000_000L + g * 10);
      Files.writeString(runs[g].resolve("report.html"), "<html></html>");
    }
    Path out = temp.resolve("merged");
    CliRun merge = CliRun.of("merge", runs[0].toString(), runs[1].toString(), "--out", out.toString());
    assertThat(merge.status()).as(merge.out() + merge.err()).isZero();
    var client = Json.MAPPER.readTree(out.resolve("results.json").toFile()).path("families").get(0)
        .path("strategies").get(0).path("load").path("client");
    assertThat(client.path("samples").asLong()).isEqualTo(27_000);
    assertThat(client.path("requests").asLong()).isEqualTo(2000);
    for (var p : Map.of("p50Millis", 50.0, "p90Millis", 90.0, "p99Millis", 99.0, "p999Millis", 99.9).entrySet()) {
      assertThat(client.path(p.getKey()).asDouble()).as(p.getKey())
          .isEqualTo(all.getValueAtPercentile(p.getValue()) / 1e6);
    }
    assertThat(client.path("maxMillis").asDouble()).isEqualTo(all.getMaxValue() / 1e6);
    // the merged log adds up to the same histogram
    Histogram reread = io.strategybench.report.HistogramLogs.sum(out.resolve("load/lb/round-robin/client.hlog"),
        t -> true);
    assertThat(reread).isEqualTo(all);
    assertThat(out.resolve("report.html")).exists();

    RunResults other = run("2026-01-09T00:00:00Z", 1, 1, 1, 0);
    other.suite = "another";
    Path alien = write("alien", other);
    CliRun mixed = CliRun.of("merge", runs[0].toString(), alien.toString(), "--out", temp.resolve("m2").toString());
    assertThat(mixed.status()).isEqualTo(2);
    assertThat(mixed.err()).contains("runs of different suites cannot merge");
  }

  @Test
  void publishBuildsASiteWithEveryRunAndHistoryCharts() throws Exception {
    Path site = temp.resolve("site");
    for (int i = 0; i < 3; i++) {
      Path run = write("20260101-00000" + i + "-synthetic", run("2026-01-0" + (i + 1) + "T00:00:00Z", 100 + 10 * i, 1,
          20 + i, 0));
      Files.writeString(run.resolve("report.html"), "<html>report " + i + "</html>");
      CliRun publish = CliRun.of("publish", run.toString(), "--site", site.toString());
      assertThat(publish.status()).as(publish.out() + publish.err()).isZero();
      assertThat(publish.out()).contains("the site holds " + (i + 1));
    }
    String index = Files.readString(site.resolve("index.html"));
    for (int i = 0; i < 3; i++) {
      assertThat(index).contains("runs/20260101-00000" + i + "-synthetic/report.html");
      assertThat(site.resolve("runs/20260101-00000" + i + "-synthetic/report.html")).exists();
    }
    assertThat(index).contains("<svg").doesNotContain("<script");
    assertThat(site.resolve("charts/history-lb-micro.svg")).exists();
    assertThat(site.resolve("charts/history-lb-p99.png")).exists();
  }
}
