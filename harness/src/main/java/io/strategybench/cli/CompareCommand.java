package io.strategybench.cli;

import io.strategybench.family.FamilyModule;
import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.results.Comparison;
import io.strategybench.results.RunProcess;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench compare BASELINE CURRENT}: what changed between two runs, and whether a gate failed. */
@Command(name = "compare", header = "Compare two runs metric by metric; exit 3 when a gated metric regressed.",
    description = {"",
        "For each strategy (and each scenario run of a family) in both runs: every JMH score (beyond noise when"
            + " the two 99.9%% confidence intervals do not overlap), each load run's client p50 and p99, server p99,"
            + " throughput and error rate (beyond noise when their two 95%% intervals do not overlap and the change"
            + " passes --latency-threshold; runs of schema 1 have no intervals, and the threshold alone decides), and"
            + " the simulation's figures (deterministic: any change is beyond noise). Gated: JMH scores slower"
            + " beyond noise by more than --micro-threshold, a client p99 grown beyond noise past"
            + " --latency-threshold, an error rate up beyond noise by more than --error-threshold; never a load step"
            + " either run marked inconclusive (it measured the machine). The summary says how many of the current"
            + " run's load figures fall within the baseline's intervals. Prints what moved; --all adds every gated"
            + " metric; --markdown writes the same table for a CI comment.",
        "",
        "A run killed before it could record its end (its results.json says running, and the process that ran it is"
            + " gone) is refused with exit status 2; a run still running is compared as far as it got, with a note.",
        ""},
    footer = {"", "Exit status: 0 no gated regression, 2 bad input, 3 a gated metric regressed."})
final class CompareCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BASELINE", description = "The earlier run: its folder or results.json.")
  Path baseline;

  @Parameters(index = "1", paramLabel = "CURRENT", description = "The run to judge: its folder or results.json.")
  Path current;

  @Option(names = "--micro-threshold", paramLabel = "PERCENT", defaultValue = "5",
      description = "Slow-down of a JMH score, beyond its error bounds, that fails the gate.")
  double microThreshold;

  @Option(names = "--latency-threshold", paramLabel = "PERCENT", defaultValue = "10",
      description = "Change of a load run's latency or throughput that is beyond noise; a p99 grown by more fails"
          + " the gate.")
  double latencyThreshold;

  @Option(names = "--error-threshold", paramLabel = "POINTS", defaultValue = "1",
      description = "Growth of a load run's error rate, in percentage points, that fails the gate.")
  double errorThreshold;

  @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown here.")
  Path markdown;

  @Option(names = "--all", description = "Show every gated metric, not only those beyond noise.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    for (double v : new double[] {microThreshold, latencyThreshold, errorThreshold}) {
      if (v < 0 || v > 1000) {
        throw new IllegalArgumentException("thresholds are percentages from 0 to 1000, got " + v);
      }
    }
    JsonNode base = Comparison.read(baseline);
    JsonNode now = Comparison.read(current);
    PrintWriter err = spec.commandLine().getErr();
    RunProcess.requireNotKilled(baseline, base, "compare", err::println);
    RunProcess.requireNotKilled(current, now, "compare", err::println);
    Comparison comparison = Comparison.of(base, now,
        new Comparison.Thresholds(microThreshold / 100, latencyThreshold / 100, errorThreshold / 100),
        (family, figure) -> {
          FamilyModule module = bench.modules().find(family);
          return module != null && module.timedSimulateFigures().contains(figure);
        });
    PrintWriter o = spec.commandLine().getOut();
    o.print(comparison.table(all));
    if (markdown != null) {
      Files.writeString(markdown, comparison.markdown(all), StandardCharsets.UTF_8);
      o.println("markdown: " + markdown);
    }
    o.flush();
    return comparison.regressed() ? Bench.EXIT_CHECK_FAILED : Bench.EXIT_OK;
  }
}
