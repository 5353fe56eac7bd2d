package io.strategybench.run;

import java.util.List;

/**
 * A benchmark suite: a name, what it is for, and per family what to run in which lens.
 *
 * @param name suite name ({@code quick})
 * @param description one paragraph shown in the report
 * @param strategies the strategies it runs, of any of its families (null or empty: all, plugins included);
 *     {@code bench run --strategies} overrides it
 * @param lenses the lenses it runs (null or empty: all); {@code bench run --lenses} overrides it
 * @param checks thresholds it gates on, beside each family's own checks
 * @param lb the load-balancing plan, or null
 * @param hashing the consistent-hashing plan, or null
 * @param ratelimit the rate-limiting plan, or null
 * @param cache the caching plan, or null
 */
public record Suite(String name, String description, @SuiteFiles.Optional List<String> strategies,
    @SuiteFiles.Optional List<String> lenses, @SuiteFiles.Optional List<SuiteCheck> checks,
    @SuiteFiles.Optional LbPlan lb, @SuiteFiles.Optional HashingPlan hashing,
    @SuiteFiles.Optional RateLimitPlan ratelimit, @SuiteFiles.Optional CachePlan cache) {

  public Suite {
    strategies = strategies == null ? List.of() : List.copyOf(strategies);
    lenses = lenses == null ? List.of() : List.copyOf(lenses);
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  /** A suite of every strategy in every lens, with no checks of its own. */
  public Suite(String name, String description, LbPlan lb, HashingPlan hashing, RateLimitPlan ratelimit,
      CachePlan cache) {
    this(name, description, List.of(), List.of(), List.of(), lb, hashing, ratelimit, cache);
  }

  /** The lenses every suite may run, in the order they run. */
  public static final List<String> LENSES = List.of("simulate", "micro", "load");

  /** The families this suite runs, in the order it runs them. */
  public List<io.strategybench.strategy.Family<?>> families() {
    List<io.strategybench.strategy.Family<?>> families = new java.util.ArrayList<>();
    if (lb != null) {
      families.add(io.strategybench.lb.LoadBalancer.FAMILY);
    }
    if (hashing != null) {
      families.add(io.strategybench.hashing.ConsistentHash.FAMILY);
    }
    if (ratelimit != null) {
      families.add(io.strategybench.ratelimit.RateLimiter.FAMILY);
    }
    if (cache != null) {
      families.add(io.strategybench.cache.CachePolicy.FAMILY);
    }
    return families;
  }

  /** Built-in suite names, sorted. */
  public static List<String> names() {
    return SuiteFiles.BUILT_IN.stream().sorted().toList();
  }

  /**
   * A built-in suite, from {@code scenarios/suites/NAME.yaml} (in the jar).
   *
   * @throws IllegalArgumentException naming the valid suites
   */
  public static Suite named(String name) {
    if (!SuiteFiles.BUILT_IN.contains(name)) {
      throw new IllegalArgumentException("unknown suite '" + name + "'; valid suite names: " + String.join(", ", names()));
    }
    return SuiteFiles.builtIn(name);
  }
}
