package io.strategybench.ratelimit;

import io.strategybench.run.SuiteFiles.Positive;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.MicroLens;
import java.util.List;

/**
 * What a suite runs for the rate-limiting family, in each lens.
 *
 * @param limit requests per window of every limiter, in the simulate lens
 * @param windowMillis the window, in the simulate lens
 * @param patterns arrival patterns simulated; the first is the headline
 * @param rateMultiple steady, poisson and burst arrive at this multiple of the limit's rate
 * @param simulateSeconds virtual seconds each pattern covers
 * @param simulateKeys client keys in the simulation
 * @param seed seed of the simulation
 * @param microKeys key counts for JMH
 * @param microThreads thread counts for JMH
 * @param micro JMH iterations and forks
 * @param loadLimit requests per second each client key may make in the load lens
 * @param goodClients well-behaved clients, each at {@code goodRate}
 * @param goodRate requests per second of each well-behaved client (under the limit)
 * @param abusiveClients abusive clients, each at {@code abusiveRate}
 * @param abusiveRate requests per second of each abusive client (over the limit)
 * @param loadSeconds measured seconds of each load run
 * @param warmupSeconds warm-up seconds before it
 * @param ioThreads the target's I/O threads
 * @param loadStrategies strategies that get a load run; empty means all
 * @param distributed whether each Redis strategy and its in-memory twin also run on three instances behind
 *     a fourth
 */
public record RateLimitPlan(@Positive long limit, @Positive long windowMillis, @NonEmpty List<String> patterns, @Positive double rateMultiple,
    @Positive int simulateSeconds, @Positive int simulateKeys, long seed, @NonEmpty List<Integer> microKeys, @NonEmpty List<Integer> microThreads,
    MicroLens.Settings micro, @Positive long loadLimit, @Positive int goodClients, @Positive double goodRate, int abusiveClients,
    double abusiveRate, @Positive int loadSeconds, int warmupSeconds, @Positive int ioThreads, List<String> loadStrategies,
    boolean distributed) {

  /** Instances sharing one Redis in the distributed runs. */
  public static final int INSTANCES = 3;

  public RateLimitPlan withLoadSeconds(int seconds) {
    return new RateLimitPlan(limit, windowMillis, patterns, rateMultiple, simulateSeconds, simulateKeys, seed,
        microKeys, microThreads, micro, loadLimit, goodClients, goodRate, abusiveClients, abusiveRate, seconds,
        warmupSeconds, ioThreads, loadStrategies, distributed);
  }

  /** Whether {@code strategy} gets a single-instance load run. */
  public boolean loads(String strategy) {
    return loadStrategies.isEmpty() || loadStrategies.contains(strategy);
  }
}
