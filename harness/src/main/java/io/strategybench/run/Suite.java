package io.strategybench.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A benchmark suite: a name, what it is for, and per family the plan of what to run in which lens; optionally a
 * pipeline of stages from several families measured together (the API gateway).
 *
 * @param name suite name ({@code quick})
 * @param description one paragraph shown in the report
 * @param strategies the strategies it runs, of any of its families (null or empty: all, plugins included);
 *     {@code bench run --strategies} overrides it
 * @param lenses the lenses it runs (null or empty: all); {@code bench run --lenses} overrides it
 * @param checks thresholds it gates on, beside each family's own checks
 * @param plans each family's plan by the family's name, in the order the suite gives them
 * @param pipeline stages of several families measured together, or null
 */
public record Suite(String name, String description, List<String> strategies, List<String> lenses,
    List<SuiteCheck> checks, Map<String, Record> plans, PipelinePlan pipeline) {

  public Suite {
    strategies = strategies == null ? List.of() : List.copyOf(strategies);
    lenses = lenses == null ? List.of() : List.copyOf(lenses);
    checks = checks == null ? List.of() : List.copyOf(checks);
    plans = plans == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(plans));
  }

  /** A suite of every strategy in every lens of the families whose plans it holds, with no checks of its own. */
  public static Suite of(String name, String description, Map<String, Record> plans) {
    return new Suite(name, description, List.of(), List.of(), List.of(), plans, null);
  }

  /** The lenses every suite may run, in the order they run. */
  public static final List<String> LENSES = List.of("simulate", "micro", "load");

  /** The names of the families this suite runs, in the order it gives them. */
  public List<String> families() {
    return List.copyOf(plans.keySet());
  }

  /** The plan of {@code family}, or null when the suite does not run it. */
  public <T extends Record> T plan(String family, Class<T> type) {
    Record plan = plans.get(family);
    return plan == null ? null : type.cast(plan);
  }

  /** Built-in suite names, sorted. */
  public static List<String> names() {
    return SuiteFiles.builtInNames().stream().sorted().toList();
  }

  /**
   * A built-in suite, from {@code scenarios/suites/NAME.yaml} (in the jar).
   *
   * @throws IllegalArgumentException naming the valid suites
   */
  public static Suite named(String name) {
    if (!SuiteFiles.builtInNames().contains(name)) {
      throw new IllegalArgumentException("unknown suite '" + name + "'; valid suite names: " + String.join(", ", names()));
    }
    return SuiteFiles.builtIn(name);
  }
}
