package io.strategybench.ratelimit.redis;

import io.strategybench.TestFamilies;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds Redis limiters the way the CLI does: through the registry, with kebab-case parameters. */
final class RedisTesting {
  static final StrategyRegistry REGISTRY = StrategyRegistry.load(TestFamilies.all(), List.of());
  static final List<String> NAMES = List.of("redis-fixed-window", "redis-sliding-log",
      "redis-sliding-window-counter", "redis-token-bucket", "redis-gcra");

  private RedisTesting() {}

  static RedisRateLimiter create(String name, RedisServerProcess redis, Map<String, String> params) {
    Map<String, String> all = new HashMap<>(params);
    all.putIfAbsent("redis", redis.uri());
    // Tests that are not about timeouts must not fail open because a cold or busy JVM was slow.
    all.putIfAbsent("timeout-millis", "2000");
    return (RedisRateLimiter) REGISTRY.strategy(RateLimiter.FAMILY, name).create(all, StrategyContext.system());
  }
}
