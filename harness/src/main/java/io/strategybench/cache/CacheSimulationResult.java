package io.strategybench.cache;

import java.util.Map;

/**
 * One policy at one capacity on one workload, replayed: every request a lookup, every miss an insert.
 *
 * @param strategy the policy
 * @param parameters its parameters besides the capacity
 * @param workload the trace file or synthetic workload
 * @param capacity the capacity, in {@code capacityUnit}
 * @param capacityUnit {@code entries}, or {@code bytes} when requests are weighted by their sizes
 * @param requests requests replayed
 * @param hits requests answered from the cache
 * @param hitRatio hits over requests
 * @param bytesRequested sum of the requested objects' sizes (the request count when the trace has none)
 * @param bytesHit sum of the sizes of the hits
 * @param byteHitRatio bytes hit over bytes requested
 * @param evictions keys evicted to make room (refused admissions included)
 * @param nanosPerRequest the simulator's own time per request (information, not a benchmark: see the micro lens)
 * @param policy the policy's own figures at the end (ARC's p, W-TinyLFU's window)
 */
public record CacheSimulationResult(String strategy, Map<String, String> parameters, String workload, long capacity,
    String capacityUnit, long requests, long hits, double hitRatio, long bytesRequested, long bytesHit,
    double byteHitRatio, long evictions, double nanosPerRequest, Map<String, Object> policy) {}
