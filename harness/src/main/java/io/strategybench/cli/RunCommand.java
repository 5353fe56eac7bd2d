package io.strategybench.cli;

import io.strategybench.report.ReportWriter;
import io.strategybench.results.ResultsWriter;
import io.strategybench.run.Progress;
import io.strategybench.run.ResultsFolder;
import io.strategybench.run.Suite;
import io.strategybench.run.SuiteFiles;
import io.strategybench.run.SuiteRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bench run SUITE}: a suite in all its lenses, into a results folder with a report. */
@Command(name = "run", header = "Run a benchmark suite in all its lenses and write results.json and report.html.",
    description = {"",
        "Suites: quick (every strategy of every family, all three lenses, briefly: about seven minutes), lb, hashing,"
            + " ratelimit and cache (each family in depth), full (all four in depth); 'bench suites' lists them."
            + " SUITE may also be the path of a YAML suite file (the built-in ones are in scenarios/suites/), which is"
            + " validated before anything runs. The run lands in"
            + " results/<yyyyMMdd-HHmmss>-<suite>/: results.json, report.html, charts/, micro/ (JMH JSON),"
            + " load/<family>/<strategy>/ (Gatling's report, HdrHistogram logs of client and server latency, the"
            + " target's log). Ctrl-C stops it and keeps what finished, marked interrupted. A run killed outright"
            + " (kill -9) cannot say so: its results.json stays running, with the process that ran it, and compare,"
            + " merge and publish refuse it once that process is gone; its private redis-server, targets and load"
            + " generators stop with it.",
        "",
        "Load rates: a suite gives each family's load rate in requests per second (600) or as a share of this"
            + " machine's capacity for it (40%%), which a short ramp measures before the family's load runs (the knee:"
            + " where latency climbs, requests fail or the load generator falls behind); results.json records the knee"
            + " and the rate used.",
        "",
        "Verdicts: every load step records, second by second, the machine's CPU use and steal, the load generator's"
            + " lag, the target's event-loop delay, CPU run-queue wait and GC pauses. A step the machine rather than"
            + " the strategy limited is marked inconclusive with the measured reason, and the checks resting on it are"
            + " not judged. Load figures carry 95%% intervals (block bootstrap over the seconds of the client log).",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every check passed, every load step conclusive",
        "1:a step failed (the run is partial) or the run could not go on",
        "2:bad usage (unknown suite or strategy, invalid option or suite file)",
        "3:a check failed",
        "4:inconclusive: no check failed, but the machine limited some load steps (see results.json's inconclusive)"})
final class RunCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SUITE", description = "Suite to run: quick, lb, hashing, ratelimit, cache, full, or the path of a YAML suite file.")
  String suiteName;

  @Option(names = "--strategies", paramLabel = "NAME", split = ",",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "Run only these strategies, of any family in the suite (default: the suite's, else all, plugins"
          + " included); a family none of them belongs to is skipped.")
  List<String> strategies = new ArrayList<>();

  @Option(names = "--lenses", paramLabel = "LENS", split = ",",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "Run only these lenses: simulate, micro, load (default: the suite's, else all).")
  List<String> lenses = new ArrayList<>();

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
      description = "Measured seconds of each load run, overriding the suite's (0 keeps the suite's).")
  int duration;

  @Option(names = "--profile", paramLabel = "KIND", defaultValue = "constant",
      description = "Arrivals in each load run: constant (the suite's rate throughout) or ramp (from a tenth of the"
          + " rate up to it over the measured phase). Open model either way.")
  String profile;

  @Option(names = "--recalibrate",
      description = "Measure each family's capacity again (a family whose load rate is a share of it), rather than"
          + " reuse a calibration of this machine from the last 24 hours taken while it was as busy with other work.")
  boolean recalibrate;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Results folder (default: results/<yyyyMMdd-HHmmss>-<suite> in the StrategyBench home).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Suite suite = SuiteFiles.load(suiteName, bench.modules());
    List<String> strategies = this.strategies.isEmpty() ? suite.strategies() : this.strategies;
    List<String> lenses = this.lenses.isEmpty() ? suite.lenses() : this.lenses;
    new SuiteRunner.Options(strategies, lenses, duration, profile); // validates before anything starts
    if (duration < 0 || duration > 3600) {
      throw new IllegalArgumentException("--duration must be 0..3600 seconds, got " + duration);
    }
    var registry = bench.registry();
    for (String name : strategies) {
      boolean known = suite.families().stream()
          .anyMatch(f -> registry.strategies(registry.family(f)).stream().anyMatch(d -> d.name().equals(name)));
      if (!known) {
        StringBuilder valid = new StringBuilder();
        for (var f : suite.families()) {
          valid.append(valid.length() == 0 ? "" : "; ").append(f).append(": ")
              .append(String.join(", ", registry.strategies(registry.family(f)).stream().map(d -> d.name()).toList()));
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "' in suite " + suite.name()
            + "; valid strategy names: " + valid);
      }
    }
    Path folder = out != null ? Files.createDirectories(out) : ResultsFolder.create(Bench.home().resolve("results"), suite.name());
    List<String> pluginArgs = new ArrayList<>(List.of("--plugins-dir", bench.pluginsDir().toAbsolutePath().toString()));
    for (Path plugin : bench.plugins) {
      pluginArgs.add("--plugin");
      pluginArgs.add(plugin.toAbsolutePath().toString());
    }
    System.err.println("running suite " + suite.name() + " into " + folder);
    Progress progress = new Progress(System.err, System.console() != null);
    SuiteRunner runner = new SuiteRunner(suite, bench.modules(), pluginArgs, folder,
        new SuiteRunner.Options(strategies, lenses, duration, profile, recalibrate), progress);
    int status = runner.run();
    PrintWriter o = spec.commandLine().getOut();
    o.println();
    o.println("status:  " + runner.results().status + switch (status) {
      case Bench.EXIT_CHECK_FAILED -> " (a check failed)";
      case Bench.EXIT_INCONCLUSIVE -> " (inconclusive: the machine limited " + runner.results().inconclusive.size()
          + " load step(s); their checks were not judged)";
      default -> "";
    });
    for (String step : runner.results().inconclusive) {
      o.println("  inconclusive " + step);
    }
    o.println("checks:  " + checkCounts(runner.results()));
    o.println("results: " + folder.resolve(ResultsWriter.FILE));
    o.println("report:  " + folder.resolve(ReportWriter.FILE));
    o.flush();
    return status;
  }

  /** {@code 41 passed, 0 failed, 2 inconclusive}. */
  static String checkCounts(io.strategybench.results.RunResults results) {
    long[] counts = new long[3];
    results.families.forEach(f -> {
      java.util.stream.Stream.concat(f.checks.stream(), f.strategies.stream().flatMap(s -> s.checks.stream()))
          .forEach(c -> counts[c.failed() ? 1 : c.inconclusive() ? 2 : 0]++);
    });
    return counts[0] + " passed, " + counts[1] + " failed, " + counts[2] + " inconclusive";
  }
}
