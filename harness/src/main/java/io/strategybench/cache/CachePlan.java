package io.strategybench.cache;

import io.strategybench.run.SuiteFiles.Positive;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.SuiteFiles.Optional;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import java.util.List;

/**
 * What a suite runs for the caching family, in each lens.
 *
 * @param workloads synthetic workloads simulated ({@code zipf:s=0.99,keys=100000,requests=1000000})
 * @param capacities capacities for the synthetic workloads, as {@code bench simulate cache --capacity} takes them
 *     (shares of the footprint: {@code 1%})
 * @param traces real traces simulated when they are found (the shared LIRS traces beside the StrategyBench home)
 * @param seed seed of the synthetic workloads
 * @param microCapacities cache capacities for JMH
 * @param microThreads thread counts for JMH
 * @param micro JMH iterations and forks
 * @param load the load lens
 * @param loadStrategies policies that get a steady load run; empty means every one that can run in a target
 * @param writeStrategies write strategies measured under load with reads and writes
 * @param stampede protections against a stampede measured under load (none, single-flight, xfetch, lock-stale)
 * @param penetration protections against penetration (none, negative-cache, bloom)
 * @param avalanche protections against an avalanche (none, jitter; cold, preload)
 * @param conditional whether conditional requests (If-None-Match) get a run
 * @param scenarioPolicies policies the write-strategy and protection runs may use, in order of preference: they
 *     run with the first one chosen, else with the first chosen policy (left out: the first chosen policy)
 */
public record CachePlan(@NonEmpty List<String> workloads, @NonEmpty List<String> capacities, List<TraceSpec> traces, long seed,
    @NonEmpty List<Integer> microCapacities, @NonEmpty List<Integer> microThreads, MicroLens.Settings micro, Load load,
    List<String> loadStrategies, List<String> writeStrategies, List<String> stampede, List<String> penetration,
    List<String> avalanche, boolean conditional, @Optional List<String> scenarioPolicies) {

  public CachePlan {
    scenarioPolicies = scenarioPolicies == null ? List.of() : List.copyOf(scenarioPolicies);
  }

  /** A plan whose scenarios run with the first chosen policy. */
  public CachePlan(List<String> workloads, List<String> capacities, List<TraceSpec> traces, long seed,
      List<Integer> microCapacities, List<Integer> microThreads, MicroLens.Settings micro, Load load,
      List<String> loadStrategies, List<String> writeStrategies, List<String> stampede, List<String> penetration,
      List<String> avalanche, boolean conditional) {
    this(workloads, capacities, traces, seed, microCapacities, microThreads, micro, load, loadStrategies,
        writeStrategies, stampede, penetration, avalanche, conditional, List.of());
  }

  /** The policy the scenarios run with, of the {@code chosen} ones. */
  public String scenarioPolicy(List<String> chosen) {
    return scenarioPolicies.stream().filter(chosen::contains).findFirst().orElse(chosen.get(0));
  }

  /**
   * A trace file to simulate, if present.
   *
   * @param file name in the traces folder
   * @param format its format
   * @param capacities capacities in entries
   */
  public record TraceSpec(String file, String format, @NonEmpty List<Long> capacities) {}

  /**
   * The load lens: the target, its origin and the clients.
   *
   * @param keys keys the origin holds, read with Zipf popularity
   * @param zipf Zipf's exponent
   * @param capacity entries the cache holds
   * @param valueBytes body size of each value
   * @param originTime the origin's service time
   * @param originCapacity requests the origin serves at once
   * @param originQueue requests waiting beyond that
   * @param rate requests per second, or a share of this machine's capacity for the steady load ({@code 40%})
   * @param seconds measured seconds of each run
   * @param warmupSeconds warm-up seconds before it
   * @param writeShare share of requests that write, in the write-strategy runs
   * @param writeTtl TTL in the write-strategy runs (bounds write-around's staleness)
   * @param ioThreads the target's I/O threads
   */
  public record Load(@Positive int keys, double zipf, @Positive long capacity, @Positive int valueBytes, String originTime, @Positive int originCapacity,
      @Positive int originQueue, @Positive Rate rate, @Positive int seconds, int warmupSeconds, double writeShare, String writeTtl,
      @Positive int ioThreads) {
    Load withSeconds(int s) {
      return new Load(keys, zipf, capacity, valueBytes, originTime, originCapacity, originQueue, rate, s,
          warmupSeconds, writeShare, writeTtl, ioThreads);
    }

    /** The same load at {@code rps} requests per second (a share resolved against the measured capacity). */
    Load at(double rps) {
      return new Load(keys, zipf, capacity, valueBytes, originTime, originCapacity, originQueue, Rate.perSecond(rps),
          seconds, warmupSeconds, writeShare, writeTtl, ioThreads);
    }
  }

  /** The same plan with its load at {@code rps} requests per second. */
  CachePlan withLoadRate(double rps) {
    return new CachePlan(workloads, capacities, traces, seed, microCapacities, microThreads, micro, load.at(rps),
        loadStrategies, writeStrategies, stampede, penetration, avalanche, conditional, scenarioPolicies);
  }

  public CachePlan withLoadSeconds(int seconds) {
    return new CachePlan(workloads, capacities, traces, seed, microCapacities, microThreads, micro,
        load.withSeconds(seconds), loadStrategies, writeStrategies, stampede, penetration, avalanche, conditional,
        scenarioPolicies);
  }

  /** The LIRS traces of {@code ../shared/data/traces}, at the capacities of their README's reference tables. */
  public static final List<TraceSpec> SHARED_TRACES = List.of(
      new TraceSpec("gli.trace.gz", "lirs", List.of(500L, 1000L, 1500L, 2000L)),
      new TraceSpec("multi2.trace.gz", "lirs", List.of(600L, 1200L, 1800L, 3000L)),
      new TraceSpec("sprite.trace.gz", "lirs", List.of(100L, 200L, 400L, 800L)));
}
