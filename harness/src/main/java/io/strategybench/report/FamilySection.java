package io.strategybench.report;

import static io.strategybench.report.ReportWriter.esc;

import io.strategybench.report.ReportWriter.Column;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A family's section of {@code report.html}: its title, what it ran, a summary table of its strategies, then
 * whatever the family shows of its own. A family module's {@code report} renders a subclass.
 */
public abstract class FamilySection {
  protected final ReportWriter report;
  protected final FamilyResults family;
  protected final List<StrategyResults> strategies;
  protected final StringBuilder html;

  protected FamilySection(ReportWriter report, FamilyResults family) {
    this.report = report;
    this.family = family;
    this.strategies = family.strategies;
    this.html = report.html();
  }

  /** Writes the section. */
  public abstract void render() throws IOException;

  /** The section's head: the family's title, {@code workload} (what ran) and the summary table of {@code columns}. */
  protected void head(String workload, List<Column> columns) {
    html.append("<h2>").append(esc(family.title)).append(" (").append(esc(family.family)).append(")</h2>\n");
    html.append("<p class=\"note\">").append(esc(workload)).append("</p>\n");
    html.append("<h3>Summary</h3>\n");
    report.table(strategies, columns);
  }

  /** The JMH scores of a strategy's micro lens ({@code micro.benchmarks}); none when the lens did not run. */
  protected static List<Map<String, Object>> microBenchmarks(StrategyResults s) {
    return s.micro == null ? List.of() : ReportWriter.maps(s.micro.get("benchmarks"));
  }
}
