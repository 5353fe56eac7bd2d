package io.strategybench.cli;

import io.strategybench.report.SiteWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bench publish RUN... --site DIR}: a static site of runs with history charts. */
@Command(name = "publish", header = "Publish runs as a static site: an index of runs, each report, history charts.",
    description = {"",
        "Copies each run into SITE/runs/<run>/ and rebuilds SITE/index.html from every run in the site: a table of"
            + " runs (suite, start, status, checks, revision) linking each report, and per family the headline"
            + " figures run by run (the first JMH score, the client's p99 under load), as SVG and PNG in"
            + " SITE/charts/. Publish again to add runs. Plain files: any static host serves them.",
        ""})
final class PublishCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", arity = "1..*", description = "Run folders to add to the site.")
  List<Path> runs;

  @Option(names = "--site", paramLabel = "DIR", required = true, description = "The site's folder (created or added to).")
  Path site;

  @Option(names = "--without-raw", description = "Copy only results.json, report.html and the PNG charts of each"
      + " run, not Gatling's reports, the latency logs or JMH's JSON (small enough to commit; the report's links to"
      + " them break).")
  boolean withoutRaw;

  @Override
  public Integer call() throws Exception {
    int total = SiteWriter.publish(runs, site, withoutRaw);
    PrintWriter o = spec.commandLine().getOut();
    o.println("published " + runs.size() + " run(s); the site holds " + total);
    o.println("index: " + site.resolve(SiteWriter.INDEX));
    o.flush();
    return Bench.EXIT_OK;
  }
}
