package io.strategybench.cache;

import io.strategybench.strategy.ManualClock;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Replays a trace through one policy at one capacity, as the reference simulator of the traces README does:
 * every request is a lookup, a miss inserts the key (the policy evicts first), no warm-up, every request
 * counts. A clairvoyant policy is told, before each request, when its key comes next.
 */
public final class CacheSimulator {
  private CacheSimulator() {}

  /**
   * @param params the policy's parameters; {@code capacity} is set from {@code capacity}
   * @param bytes weigh each request by its size (the trace must have sizes) instead of counting entries
   * @param nextAccess the trace's {@link Trace#nextAccess()}, needed by clairvoyant policies (else may be null)
   */
  public static CacheSimulationResult run(StrategyDescriptor<CachePolicy> descriptor, Map<String, String> params,
      Trace trace, long capacity, boolean bytes, long[] nextAccess, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (bytes && !trace.hasSizes()) {
      throw new IllegalArgumentException("a capacity in bytes needs a workload with object sizes; "
          + trace.name() + " has none (give the capacity in entries)");
    }
    Map<String, String> all = new LinkedHashMap<>(params);
    all.put("capacity", Long.toString(capacity));
    CachePolicy policy = descriptor.create(all, StrategyContext.seeded(new ManualClock(0), seed));
    ClairvoyantPolicy clairvoyant = policy instanceof ClairvoyantPolicy c ? c : null;
    if (clairvoyant != null && nextAccess == null) {
      nextAccess = trace.nextAccess();
    }
    long[] evictions = {0};
    LongConsumer evicted = key -> evictions[0]++;
    long[] keys = trace.keys();
    long hits = 0;
    long bytesHit = 0;
    long bytesRequested = 0;
    long start = System.nanoTime();
    for (int i = 0; i < keys.length; i++) {
      long size = trace.size(i);
      if (clairvoyant != null) {
        clairvoyant.nextAccess(nextAccess[i]);
      }
      bytesRequested += size;
      if (policy.access(keys[i], bytes ? size : 1, evicted)) {
        hits++;
        bytesHit += size;
      }
    }
    long elapsed = System.nanoTime() - start;
    return new CacheSimulationResult(descriptor.name(), params, trace.name(), capacity, bytes ? "bytes" : "entries",
        keys.length, hits, ratio(hits, keys.length), bytesRequested, bytesHit, ratio(bytesHit, bytesRequested),
        evictions[0], Math.round(elapsed * 10.0 / Math.max(1, keys.length)) / 10.0, policy.stats());
  }

  private static double ratio(long part, long whole) {
    return whole == 0 ? 0 : Math.round(part * 1_000_000.0 / whole) / 1_000_000.0;
  }
}
