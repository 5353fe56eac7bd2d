package io.strategybench;

import io.strategybench.cache.CachePolicy;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Family;
import java.util.List;

/** The families StrategyBench knows. A plugin adds strategies to these; it cannot add a family. */
public final class Families {
  private Families() {}

  public static List<Family<?>> all() {
    return List.of(LoadBalancer.FAMILY, ConsistentHash.FAMILY, RateLimiter.FAMILY, CachePolicy.FAMILY);
  }
}
