package io.strategybench.hashing;

import java.util.Map;

/**
 * What one strategy did with one setting in the hashing simulation.
 *
 * @param strategy strategy name
 * @param parameters its parameters ({@code vnodes} ...)
 * @param nodes nodes before the change
 * @param keys keys placed
 * @param peakToMean most keys on a node over the mean
 * @param relStdDev standard deviation of keys per node over the mean
 * @param randomRelStdDev what K keys thrown at N nodes uniformly at random would show, sqrt((N-1)/K): the floor
 *     sampling sets under {@code relStdDev}, however even the strategy
 * @param minKeys fewest keys on a node
 * @param maxKeys most keys on a node
 * @param movedOnAdd fraction of keys that moved when one node was added
 * @param optimumOnAdd the least that must move: 1/(N+1)
 * @param movedOnRemove fraction of keys that moved when the middle node was removed
 * @param optimumOnRemove the least that must move: the removed node's share
 * @param violationsOnAdd keys that moved between two old nodes when one node was added
 * @param violationsOnRemove keys that moved between two surviving nodes when the middle node was removed
 * @param monotonicityViolations both together
 * @param lookupNanos mean time of one lookup alone, key hashing included, after a warm-up pass (wall clock,
 *     this machine; JMH's figure in the micro lens is the careful one)
 * @param buildMillis time to build the structure for N nodes
 * @param memoryBytes size of the strategy's structure for N nodes (JOL)
 */
public record HashingSimulationResult(String strategy, Map<String, String> parameters, int nodes, long keys,
    double peakToMean, double relStdDev, double randomRelStdDev, long minKeys, long maxKeys, double movedOnAdd, double optimumOnAdd,
    double movedOnRemove, double optimumOnRemove, long violationsOnAdd, long violationsOnRemove,
    long monotonicityViolations, double lookupNanos,
    double buildMillis, long memoryBytes) {}
