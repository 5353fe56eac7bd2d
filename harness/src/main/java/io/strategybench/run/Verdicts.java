package io.strategybench.run;

import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a run's checks against what the machine let it measure. Every load step records its id ({@code step})
 * beside its {@code diagnosis}, wherever a family keeps it in the results; a check that rests on a step the
 * diagnosis calls inconclusive is not judged, and says why. Invariants (checks resting on no step) are judged
 * whatever the machine did. The run's verdict follows: failed when a judged check failed, else inconclusive when
 * a step was, else passed.
 */
final class Verdicts {
  private Verdicts() {}

  static void apply(RunResults results) {
    Map<String, String> inconclusive = new LinkedHashMap<>();
    for (FamilyResults f : results.families) {
      find(f.scenarios, inconclusive);
      for (StrategyResults s : f.strategies) {
        find(s.load, inconclusive);
      }
    }
    find(results.pipeline, inconclusive);
    boolean failed = false;
    boolean notJudged = false;
    for (FamilyResults f : results.families) {
      failed |= judge(f.checks, inconclusive);
      notJudged |= f.checks.stream().anyMatch(Check::inconclusive);
      for (StrategyResults s : f.strategies) {
        failed |= judge(s.checks, inconclusive);
        notJudged |= s.checks.stream().anyMatch(Check::inconclusive);
      }
    }
    results.inconclusive = new ArrayList<>();
    inconclusive.forEach((step, why) -> results.inconclusive.add(step + ": " + why));
    results.verdict = failed ? Check.FAILED : notJudged || !inconclusive.isEmpty() ? Check.INCONCLUSIVE : Check.PASSED;
  }

  /** Re-judges {@code checks} in place; whether one of them failed. */
  private static boolean judge(List<Check> checks, Map<String, String> inconclusive) {
    boolean failed = false;
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      if (!c.inconclusive()) {
        for (String step : c.steps()) {
          String why = inconclusive.get(step);
          if (why != null) {
            c = c.notJudged("not judged: the load step " + step + " measured the machine, not the strategy: " + why);
            checks.set(i, c);
            break;
          }
        }
      }
      failed |= c.failed();
    }
    return failed;
  }

  /** Every step under {@code node} whose diagnosis is inconclusive, with its reasons. */
  @SuppressWarnings("unchecked")
  private static void find(Object node, Map<String, String> out) {
    if (node instanceof Map<?, ?> map) {
      if (map.get("step") instanceof String step && map.get("diagnosis") instanceof Map<?, ?> diagnosis
          && Diagnosis.INCONCLUSIVE.equals(diagnosis.get("verdict"))) {
        Object reasons = diagnosis.get("reasons");
        out.put(step, reasons instanceof List<?> l ? String.join("; ", (List<String>) l) : String.valueOf(reasons));
      }
      for (Object value : map.values()) {
        find(value, out);
      }
    } else if (node instanceof List<?> list) {
      for (Object value : list) {
        find(value, out);
      }
    }
  }
}
