package io.strategybench.run;

import java.util.List;
import java.util.Map;

/**
 * A benchmark suite: a name, what it is for, and per family what to run in which lens.
 *
 * @param name suite name ({@code quick})
 * @param description one paragraph shown in the report
 * @param lb the load-balancing plan, or null
 */
public record Suite(String name, String description, LbPlan lb) {

  /** The lenses every suite may run, in the order they run. */
  public static final List<String> LENSES = List.of("simulate", "micro", "load");

  private static final Map<String, Suite> BUILT_IN = Map.of(
      "quick", new Suite("quick",
          "Every load-balancing strategy on four simulated backends of unequal capacity, one of which slows down"
              + " ten-fold halfway through, in all three lenses: JMH per pick, a deterministic simulation, and a"
              + " Gatling load run against the Netty target.",
          new LbPlan(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms", 128, 1024, "b4", 10, 0.5, 600,
              20, 1, 1000, 200, 8, 3, 1, List.of(16), List.of(1, 2), MicroLens.Settings.quick())),
      "lb", new Suite("lb",
          "The load-balancing family in depth: longer load runs at a higher rate, JMH at 3, 16 and 128 backends"
              + " with 1 and 2 threads, a minute of simulated time; one of four unequal backends slows ten-fold"
              + " halfway through.",
          new LbPlan(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms", 128, 1024, "b4", 10, 0.5, 1500,
              60, 1, 1000, 200, 30, 5, 1, List.of(3, 16, 128), List.of(1, 2), MicroLens.Settings.standard())));

  /** Built-in suite names, sorted. */
  public static List<String> names() {
    return BUILT_IN.keySet().stream().sorted().toList();
  }

  /** @throws IllegalArgumentException naming the valid suites */
  public static Suite named(String name) {
    Suite suite = BUILT_IN.get(name);
    if (suite == null) {
      throw new IllegalArgumentException("unknown suite '" + name + "'; valid suite names: " + String.join(", ", names()));
    }
    return suite;
  }
}
