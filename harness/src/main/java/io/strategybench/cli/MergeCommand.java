package io.strategybench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strategybench.report.ReportWriter;
import io.strategybench.results.Merge;
import io.strategybench.results.ResultsWriter;
import io.strategybench.results.RunResults;
import io.strategybench.server.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench merge RUN... --out DIR}: runs of one suite from several load generators, as one. */
@Command(name = "merge", header = "Merge runs of one suite made by several load generators into one run.",
    description = {"",
        "When one machine cannot generate the load, run the same suite from several against the same targets,"
            + " then merge: each load run's client latency logs (HdrHistogram, nanoseconds) add up into one, and"
            + " requests, errors, percentiles and throughput are computed from the sum: the percentiles of one"
            + " histogram of every sample, not an average of percentiles. Server figures, the simulation and JMH"
            + " come from the first run. Writes results.json and report.html into --out.",
        ""})
final class MergeCommand implements Callable<Integer> {
  @ParentCommand
  Bench bench;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", arity = "2..*", description = "Run folders of the same suite.")
  List<Path> runs;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "A new folder for the merged run.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ObjectNode merged = Merge.merge(runs, out, System.err);
    RunResults results = Json.MAPPER.treeToValue(merged, RunResults.class);
    ReportWriter.write(out, results, bench.modules());
    PrintWriter o = spec.commandLine().getOut();
    o.println("merged " + runs.size() + " runs of " + results.suite);
    o.println("results: " + out.resolve(ResultsWriter.FILE));
    o.println("report:  " + out.resolve(ReportWriter.FILE));
    o.flush();
    return Bench.EXIT_OK;
  }
}
