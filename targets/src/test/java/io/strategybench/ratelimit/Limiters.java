package io.strategybench.ratelimit;

import io.strategybench.TestFamilies;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Test helpers: building limiters through the registry, and arrival sequences. */
final class Limiters {
  static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());
  static final long MS = 1_000_000L;
  static final long SECOND = 1_000_000_000L;

  private Limiters() {}

  static RateLimiter create(String name, Map<String, String> params) {
    return REGISTRY.strategy(RateLimiter.FAMILY, name).create(params, StrategyContext.system());
  }

  static RateLimiter create(String name, long limit, long windowMillis) {
    return create(name, Map.of("limit", Long.toString(limit), "window-millis", Long.toString(windowMillis)));
  }

  /**
   * Offsets (nanoseconds from 0, non-decreasing) of {@code n} Poisson arrivals with mean gap {@code meanGap}.
   */
  static long[] poisson(SplittableRandom random, int n, double meanGap) {
    long[] out = new long[n];
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += (long) (-Math.log(1 - random.nextDouble()) * meanGap);
      out[i] = t;
    }
    return out;
  }

  /**
   * Bursty arrivals: clusters of 1..{@code maxBurst} requests, each at the same instant or a few
   * nanoseconds to microseconds apart, separated by gaps up to {@code maxGap} nanoseconds.
   */
  static long[] bursts(SplittableRandom random, int n, int maxBurst, long maxGap) {
    List<Long> out = new ArrayList<>();
    long t = 0;
    while (out.size() < n) {
      int size = 1 + random.nextInt(maxBurst);
      int style = random.nextInt(3);
      for (int i = 0; i < size && out.size() < n; i++) {
        out.add(t);
        t += style == 0 ? 0 : style == 1 ? random.nextInt(3) : random.nextInt(10_000);
      }
      t += random.nextLong(1, maxGap);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Bases to add to offsets: time is any long, so include negative values and a wrap past Long.MAX_VALUE. */
  static long[] bases(long span) {
    return new long[] {0, -123_456_789_012L, Long.MAX_VALUE - span / 2, Long.MIN_VALUE + 17};
  }

  /** Largest number of admitted offsets (sorted) inside any half-open interval {@code (t - length, t]}. */
  static int maxInAnyWindow(List<Long> admitted, long length) {
    int max = 0;
    int start = 0;
    for (int end = 0; end < admitted.size(); end++) {
      while (admitted.get(end) - admitted.get(start) >= length) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
