package io.strategybench;

import io.strategybench.cache.CachePolicy;
import io.strategybench.hashing.ConsistentHash;
import io.strategybench.lb.LoadBalancer;
import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Family;
import java.util.List;

/**
 * The built-in families, for tests of the target's strategies. The harness finds families as modules
 * ({@code FamilyModules}); this module has no such list of its own.
 */
public final class TestFamilies {
  private TestFamilies() {}

  public static List<Family<?>> all() {
    return List.of(LoadBalancer.FAMILY, ConsistentHash.FAMILY, RateLimiter.FAMILY, CachePolicy.FAMILY);
  }
}
