package io.strategybench.ratelimit;

import io.strategybench.run.JmhDefaults;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.strategybench.strategy.StrategyContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Our token bucket beside the rate limiters of well-known libraries, on the same keys and the same limit
 * ({@link RateLimitBenchmark#LIMIT} per second) in the same JMH run: Bucket4j's token bucket (its default
 * local bucket: lock-free, millisecond clock), Guava's {@code RateLimiter} (smooth bursty, one second of
 * burst) and Resilience4j's {@code AtomicRateLimiter} (fixed periods, no wait). Each library keeps one
 * limiter per key in a {@link ConcurrentHashMap}, as ours keeps its state, so the key lookup is the same.
 */
@State(Scope.Benchmark)
public class RateLimitReferenceBenchmark extends JmhDefaults {
  @Param({"1", "100000"})
  public int keys;

  String[] keyNames;
  RateLimiter tokenBucket;
  final ConcurrentHashMap<String, Bucket> bucket4j = new ConcurrentHashMap<>();
  @SuppressWarnings("UnstableApiUsage")
  final ConcurrentHashMap<String, com.google.common.util.concurrent.RateLimiter> guava = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, io.github.resilience4j.ratelimiter.RateLimiter> resilience4j =
      new ConcurrentHashMap<>();
  RateLimiterConfig resilience4jConfig;

  @Setup
  public void setup() {
    keyNames = RateLimitBenchmark.names(keys);
    tokenBucket = io.strategybench.family.FamilyModules.builtIn().registry()
        .strategy(RateLimiter.FAMILY, "token-bucket")
        .create(java.util.Map.of("limit", Long.toString(RateLimitBenchmark.LIMIT), "window-millis", "1000"),
            StrategyContext.system());
    resilience4jConfig = RateLimiterConfig.custom()
        .limitForPeriod((int) RateLimitBenchmark.LIMIT)
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  @Benchmark
  public boolean tokenBucket(RateLimitBenchmark.Cursor cursor) {
    return tokenBucket.acquire(cursor.next(keyNames), System.nanoTime()).admitted();
  }

  @Benchmark
  public boolean bucket4j(RateLimitBenchmark.Cursor cursor) {
    String key = cursor.next(keyNames);
    Bucket b = bucket4j.get(key);
    if (b == null) {
      b = bucket4j.computeIfAbsent(key, k -> Bucket.builder()
          .addLimit(limit -> limit.capacity(RateLimitBenchmark.LIMIT)
              .refillGreedy(RateLimitBenchmark.LIMIT, Duration.ofSeconds(1)))
          .build());
    }
    return b.tryConsume(1);
  }

  @Benchmark
  @SuppressWarnings("UnstableApiUsage")
  public boolean guava(RateLimitBenchmark.Cursor cursor) {
    String key = cursor.next(keyNames);
    com.google.common.util.concurrent.RateLimiter r = guava.get(key);
    if (r == null) {
      r = guava.computeIfAbsent(key, k -> com.google.common.util.concurrent.RateLimiter.create(
          (double) RateLimitBenchmark.LIMIT));
    }
    return r.tryAcquire();
  }

  @Benchmark
  public boolean resilience4j(RateLimitBenchmark.Cursor cursor) {
    String key = cursor.next(keyNames);
    io.github.resilience4j.ratelimiter.RateLimiter r = resilience4j.get(key);
    if (r == null) {
      r = resilience4j.computeIfAbsent(key,
          k -> io.github.resilience4j.ratelimiter.RateLimiter.of(k, resilience4jConfig));
    }
    return r.acquirePermission();
  }
}
