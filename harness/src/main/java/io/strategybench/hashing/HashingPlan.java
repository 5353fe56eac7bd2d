package io.strategybench.hashing;

import io.strategybench.run.SuiteFiles.Positive;
import io.strategybench.run.SuiteFiles.NonEmpty;
import io.strategybench.run.MicroLens;
import io.strategybench.run.Rate;
import java.util.List;

/**
 * What a suite runs for the consistent-hashing family, in each lens.
 *
 * @param simulateNodes nodes of the headline simulation
 * @param simulateKeys keys it places
 * @param vnodeSweep virtual-node counts swept for the strategies that have them
 * @param vnodeSweepNodes nodes during that sweep
 * @param vnodeSweepKeys keys placed at each of its points (enough that sampling noise stays below the spread)
 * @param nodeSweep node counts swept for every strategy (moved fraction against N)
 * @param nodeSweepKeys keys placed at each of its points
 * @param seed seed of the key set and of the load's key draws
 * @param microNodes node counts for JMH
 * @param microThreads thread counts for JMH
 * @param micro JMH iterations and forks
 * @param cacheNodes cache nodes behind the router at the start of a load run
 * @param cacheEntries keys each node's LRU holds
 * @param keys distinct keys the load reads
 * @param zipf Zipf exponent of the key popularity
 * @param originTime the origin's service time
 * @param originCapacity misses the origin serves at once
 * @param originQueue misses waiting beyond that
 * @param responseBytes body size of each answer
 * @param rate requests per second of the load, or a share of this machine's capacity for it ({@code 50%})
 * @param loadSeconds measured seconds of each load run
 * @param warmupSeconds warm-up seconds before it (fills the caches)
 * @param ioThreads the target's I/O threads
 * @param addAt when a node joins, as a fraction of the measured time
 * @param removeAt when the middle node leaves, as a fraction of the measured time
 */
public record HashingPlan(@Positive int simulateNodes, @Positive long simulateKeys, @NonEmpty List<Integer> vnodeSweep, @Positive int vnodeSweepNodes,
    @Positive long vnodeSweepKeys, @NonEmpty List<Integer> nodeSweep, @Positive long nodeSweepKeys, long seed, @NonEmpty List<Integer> microNodes, @NonEmpty List<Integer> microThreads,
    MicroLens.Settings micro, @Positive int cacheNodes, @Positive int cacheEntries, @Positive int keys, double zipf, String originTime,
    @Positive int originCapacity, @Positive int originQueue, @Positive int responseBytes, @Positive Rate rate, @Positive int loadSeconds, int warmupSeconds,
    @Positive int ioThreads, double addAt, double removeAt) {

  /** The node changes of a load run whose measured phase lasts {@code seconds}. */
  public List<String> events(int seconds) {
    return List.of("add@" + Math.round(seconds * addAt * 1000) + "ms", "remove@" + Math.round(seconds * removeAt * 1000)
        + "ms");
  }

  public HashingPlan withLoadSeconds(int seconds) {
    return new HashingPlan(simulateNodes, simulateKeys, vnodeSweep, vnodeSweepNodes, vnodeSweepKeys, nodeSweep,
        nodeSweepKeys, seed,
        microNodes, microThreads, micro, cacheNodes, cacheEntries, keys, zipf, originTime, originCapacity, originQueue,
        responseBytes, rate, seconds, warmupSeconds, ioThreads, addAt, removeAt);
  }
}
