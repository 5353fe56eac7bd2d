package io.strategybench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.server.Json;
import java.util.List;

/**
 * A threshold a suite gates on: a metric of each strategy of a family (or of one), at most {@code max} and/or at
 * least {@code min}. A failed check makes {@code bench run} exit 3, as the families' own checks do.
 *
 * @param family the family whose strategies it checks
 * @param strategy one strategy, or null for each strategy that has the metric
 * @param metric a path into a strategy's results, its lens first: {@code load.client.p99Millis},
 *     {@code micro.benchmarks.0.nsPerOp} (list positions are numbers)
 * @param max the largest passing value, or null
 * @param min the smallest passing value, or null
 */
public record SuiteCheck(String family, @SuiteFiles.Optional String strategy, String metric,
    @SuiteFiles.Optional Double max, @SuiteFiles.Optional Double min) {

  /** The lens the metric belongs to. */
  public String lens() {
    return metric.substring(0, metric.indexOf('.'));
  }

  /** What passes, for the report: {@code <= 50}, {@code >= 0.9}, {@code 0.9..1}. */
  public String expected() {
    if (max != null && min != null) {
      return min + " <= " + metric + " <= " + max;
    }
    return metric + (max != null ? " <= " + max : " >= " + min);
  }

  public boolean passes(double value) {
    return !Double.isNaN(value) && (max == null || value <= max) && (min == null || value >= min);
  }

  /**
   * Adds each check to each strategy that has its metric (or to the one named, which fails when it has not: a
   * gate must not pass by measuring nothing).
   */
  public static void applyAll(List<SuiteCheck> checks, RunResults results) {
    for (SuiteCheck check : checks) {
      FamilyResults family = results.family(check.family());
      if (family == null) {
        continue; // not run (--strategies left the family out)
      }
      for (StrategyResults s : family.strategies) {
        if (check.strategy() != null && !check.strategy().equals(s.strategy)) {
          continue;
        }
        JsonNode node = check.valueIn(s);
        if (node == null || !node.isNumber()) {
          if (check.strategy() != null) {
            s.checks.add(new Check("suite check " + check.expected(), check.lens(), false, null,
                check.expected() + " (the metric is not in its results)"));
          }
          continue;
        }
        double value = node.asDouble();
        Check c = new Check("suite check " + check.expected(), check.lens(), check.passes(value), value,
            check.expected());
        // a load figure rests on its load step: not judged when the machine limited it
        Object step = s.load == null ? null : s.load.get("step");
        s.checks.add(check.lens().equals("load") && step != null ? c.on(List.of(String.valueOf(step))) : c);
      }
    }
  }

  /** The metric's node in a strategy's results, or null. */
  JsonNode valueIn(StrategyResults s) {
    JsonNode node = Json.MAPPER.valueToTree(s);
    for (String part : metric.split("\\.")) {
      node = node == null ? null : part.matches("\\d+") ? node.get(Integer.parseInt(part)) : node.get(part);
    }
    return node;
  }
}
