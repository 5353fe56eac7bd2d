package io.strategybench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.Check;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks judged against what the machine let each load step measure. */
class VerdictsTest {
  private static Map<String, Object> load(String step, boolean conclusive) {
    Map<String, Object> load = new LinkedHashMap<>();
    load.put("step", step);
    load.put("diagnosis", Map.of("verdict", conclusive ? "conclusive" : "inconclusive", "reasons",
        conclusive ? List.of() : List.of("the host stole 30% of the CPU on average (allowed 10%)")));
    return load;
  }

  private static RunResults run(boolean conclusive, boolean passes) {
    RunResults results = new RunResults();
    FamilyResults family = new FamilyResults();
    family.family = "lb";
    StrategyResults s = new StrategyResults();
    s.strategy = "random";
    s.load = load("load/lb/random", conclusive);
    s.checks.add(new Check("errors under 5%", "load", passes, 0.2, "<= 0.05").on(List.of("load/lb/random")));
    s.checks.add(new Check("no request to an ejected backend", "load", true, 0, "== 0"));
    family.strategies.add(s);
    results.families.add(family);
    return results;
  }

  @Test
  void aCheckOnAnInconclusiveStepIsNotJudgedAndSaysWhy() {
    RunResults results = run(false, false);
    Verdicts.apply(results);
    Check onStep = results.families.get(0).strategies.get(0).checks.get(0);
    assertThat(onStep.verdict()).isEqualTo("inconclusive");
    assertThat(onStep.passed()).isFalse();
    assertThat(onStep.reason()).contains("load/lb/random").contains("stole 30%");
    Check invariant = results.families.get(0).strategies.get(0).checks.get(1);
    assertThat(invariant.verdict()).as("an invariant is judged whatever the machine did").isEqualTo("passed");
    assertThat(results.verdict).isEqualTo("inconclusive");
    assertThat(results.inconclusive).singleElement().asString().startsWith("load/lb/random: the host stole");
  }

  @Test
  void aFailedCheckOnAConclusiveStepFailsTheRunAndAPassingRunPasses() {
    RunResults failed = run(true, false);
    Verdicts.apply(failed);
    assertThat(failed.verdict).isEqualTo("failed");
    assertThat(failed.families.get(0).strategies.get(0).checks.get(0).failed()).isTrue();
    RunResults passed = run(true, true);
    Verdicts.apply(passed);
    assertThat(passed.verdict).isEqualTo("passed");
    assertThat(passed.inconclusive).isEmpty();
    Verdicts.apply(passed);
    assertThat(passed.verdict).as("judging twice changes nothing").isEqualTo("passed");
  }

  @Test
  void aStepInsideAFamilysScenariosIsFoundWhereverItIs() {
    RunResults results = run(true, true);
    FamilyResults family = results.families.get(0);
    family.scenarios = new LinkedHashMap<>(Map.of("stampede", List.of(Map.of("variant", "none", "load",
        load("load/cache-stampede/none", false)))));
    family.checks.add(new Check("the burst reached the origin", "load", true, 1025, ">= 500")
        .on(List.of("load/cache-stampede/none")));
    Verdicts.apply(results);
    assertThat(family.checks.get(0).inconclusive()).isTrue();
    assertThat(results.verdict).isEqualTo("inconclusive");
  }
}
