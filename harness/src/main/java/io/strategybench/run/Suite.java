package io.strategybench.run;

import java.util.List;
import java.util.Map;

/**
 * A benchmark suite: a name, what it is for, and per family what to run in which lens.
 *
 * @param name suite name ({@code quick})
 * @param description one paragraph shown in the report
 * @param lb the load-balancing plan, or null
 * @param hashing the consistent-hashing plan, or null
 * @param ratelimit the rate-limiting plan, or null
 * @param cache the caching plan, or null
 */
public record Suite(String name, String description, LbPlan lb, HashingPlan hashing, RateLimitPlan ratelimit,
    CachePlan cache) {

  /** The lenses every suite may run, in the order they run. */
  public static final List<String> LENSES = List.of("simulate", "micro", "load");

  /** The quick suite's rate limiting: every strategy simulated and benchmarked, a few under load. */
  private static final RateLimitPlan QUICK_RATELIMIT = new RateLimitPlan(100, 1000,
      List.of("boundary-burst", "poisson"), 2.0, 20, 4, 1, List.of(1), List.of(1),
      new MicroLens.Settings(1, 250, 2, 250, 1), 20, 20, 5, 3, 100, 6, 2, 1,
      List.of("token-bucket", "redis-gcra"), false);

  /** The quick suite's caching: every policy simulated and benchmarked, two under load, every mode briefly. */
  private static final CachePlan QUICK_CACHE = new CachePlan(
      List.of("zipf:s=0.99,keys=100000,requests=500000", "zipf-scan:s=0.99,keys=100000,requests=500000",
          "loop:keys=5000,requests=200000"),
      List.of("1%", "2%", "5%", "10%", "20%", "40%"), CachePlan.SHARED_TRACES, 1, List.of(10_000), List.of(1),
      new MicroLens.Settings(1, 300, 2, 300, 1),
      new CachePlan.Load(10_000, 0.99, 1000, 1024, "exp:20ms", 64, 1024, 1000, 2, 1, 0.1, "5s", 1),
      List.of("lru", "w-tinylfu"), io.strategybench.cache.WriteStrategy.names(),
      List.of("none", "single-flight", "xfetch", "lock-stale"), List.of("none", "negative-cache", "bloom"),
      List.of("none", "jitter", "cold", "preload"), true);

  private static final Map<String, Suite> BUILT_IN = Map.of(
      "quick", new Suite("quick",
          "Every strategy of every family in all three lenses, briefly. Load balancing: four simulated backends of"
              + " unequal capacity, one of which slows down ten-fold halfway through; JMH per pick, a deterministic"
              + " simulation, a Gatling load run against the Netty target. Consistent hashing: balance and movement"
              + " on 100 nodes and in sweeps, JMH of lookup and build at 1,000 nodes beside Guava's jump hash, and a"
              + " Gatling run of Zipf reads through the target as the router of an 8-node sharded cache, a node"
              + " joining and one leaving. Rate limiting: every limiter, local and Redis-backed, replays a boundary"
              + " burst and Poisson arrivals beside an exact sliding log, JMH of one decision on a hot key with our"
              + " token bucket beside Bucket4j, Guava and Resilience4j, and Gatling runs of well-behaved and abusive"
              + " clients through the token bucket and Redis GCRA. Caching: every eviction policy on Zipf, scan and"
              + " loop workloads and the real LIRS traces (when found) at every capacity, Belady's optimum on top,"
              + " JMH of get and put beside Caffeine, two policies under load, then each write strategy and each"
              + " protection (stampede, penetration, avalanche) against its absence.",
          new LbPlan(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms", 128, 1024, "b4", 10, 0.5, 600,
              20, 1, 1000, 200, 4, 1, 1, List.of(16), List.of(1), MicroLens.Settings.quick()),
          new HashingPlan(100, 1_000_000, List.of(10, 30, 100, 300, 1000), 100, 1_000_000,
              List.of(3, 10, 30, 100, 300, 1000), 100_000, 1, List.of(1000), List.of(1), MicroLens.Settings.quick(), 8, 250, 10_000, 0.99,
              "exp:20ms", 64, 1024, 1024, 1500, 6, 1, 1, 1.0 / 3, 2.0 / 3),
          QUICK_RATELIMIT, QUICK_CACHE),
      "lb", new Suite("lb",
          "The load-balancing family in depth: longer load runs at a higher rate, JMH at 3, 16 and 128 backends"
              + " with 1 and 2 threads, a minute of simulated time; one of four unequal backends slows ten-fold"
              + " halfway through.",
          new LbPlan(4, List.of(4, 2, 1, 1), List.of(8, 4, 2, 2), "exp:5ms", 128, 1024, "b4", 10, 0.5, 1500,
              60, 1, 1000, 200, 30, 5, 1, List.of(3, 16, 128), List.of(1, 2), MicroLens.Settings.standard()),
          null, null, null),
      "hashing", new Suite("hashing",
          "The consistent-hashing family in depth: 10 million keys on 100 nodes; sweeps of virtual nodes (10 to"
              + " 1,000) and of node counts (3 to 1,000); JMH of lookup and build at 10, 100 and 1,000 nodes beside"
              + " Guava's jump hash; a 30-second Gatling run of Zipf reads through an 8-node sharded cache per"
              + " strategy, a node joining at a third and the middle node leaving at two thirds.",
          null,
          new HashingPlan(100, 10_000_000, List.of(10, 20, 50, 100, 200, 500, 1000), 100, 2_000_000,
              List.of(3, 5, 10, 20, 50, 100, 200, 500, 1000), 1_000_000, 1, List.of(10, 100, 1000), List.of(1),
              MicroLens.Settings.standard(), 8, 250, 10_000, 0.99, "exp:20ms", 64, 1024, 1024, 2000, 30, 10, 1,
              1.0 / 3, 2.0 / 3),
          null, null),
      "ratelimit", new Suite("ratelimit",
          "The rate-limiting family in depth: every limiter, local and Redis-backed, replays steady, Poisson, burst"
              + " and boundary-burst arrivals at twice its limit beside an exact sliding log; JMH of one decision with"
              + " 1 and 100,000 keys on 1 and 2 threads, our token bucket beside Bucket4j, Guava and Resilience4j;"
              + " a 20-second Gatling run per strategy of 20 well-behaved clients under their limit and 3 abusive ones"
              + " at five times it; and each Redis strategy on three target instances sharing one Redis behind a"
              + " round-robin fourth, next to its in-memory twin on the same three.",
          null, null,
          new RateLimitPlan(100, 1000, List.of("boundary-burst", "poisson", "burst", "steady"), 2.0, 60, 10, 1,
              List.of(1, 100_000), List.of(1, 2), MicroLens.Settings.standard(), 20, 20, 5, 3, 100, 20, 5, 1,
              List.of(), true), null),
      "cache", new Suite("cache",
          "The caching family in depth: every eviction policy on Zipf (s = 0.8 and 0.99), scan-polluted Zipf,"
              + " hot-spot and loop workloads of a million requests and on the real LIRS traces (when found) at"
              + " every capacity, Belady's optimum on top; JMH of get and put with 1 and 2 threads beside Caffeine"
              + " and a plain ConcurrentHashMap; a 10-second Gatling run of Zipf reads per policy; each write"
              + " strategy with 10% writes; and each protection against a stampede (1,000 readers of an expired hot"
              + " key), penetration (reads of keys that do not exist) and an avalanche (keys expiring together, a"
              + " cold start) against its absence, and conditional requests.",
          null, null, null,
          new CachePlan(
              List.of("zipf:s=0.99,keys=100000,requests=1000000", "zipf:s=0.8,keys=100000,requests=1000000",
                  "zipf-scan:s=0.99,keys=100000,requests=1000000", "hotspot:keys=100000,requests=1000000",
                  "loop:keys=10000,requests=1000000"),
              List.of("0.5%", "1%", "2%", "5%", "10%", "20%", "40%"), CachePlan.SHARED_TRACES, 1,
              List.of(10_000), List.of(1, 2), MicroLens.Settings.standard(),
              new CachePlan.Load(10_000, 0.99, 1000, 1024, "exp:20ms", 64, 1024, 1500, 10, 3, 0.1, "5s", 1),
              List.of(), io.strategybench.cache.WriteStrategy.names(),
              List.of("none", "single-flight", "xfetch", "lock-stale"), List.of("none", "negative-cache", "bloom"),
              List.of("none", "jitter", "cold", "preload"), true)));


  /** The families this suite runs, in the order it runs them. */
  public List<io.strategybench.strategy.Family<?>> families() {
    List<io.strategybench.strategy.Family<?>> families = new java.util.ArrayList<>();
    if (lb != null) {
      families.add(io.strategybench.lb.LoadBalancer.FAMILY);
    }
    if (hashing != null) {
      families.add(io.strategybench.hashing.ConsistentHash.FAMILY);
    }
    if (ratelimit != null) {
      families.add(io.strategybench.ratelimit.RateLimiter.FAMILY);
    }
    if (cache != null) {
      families.add(io.strategybench.cache.CachePolicy.FAMILY);
    }
    return families;
  }

  /** Built-in suite names, sorted. */
  public static List<String> names() {
    return BUILT_IN.keySet().stream().sorted().toList();
  }

  /** @throws IllegalArgumentException naming the valid suites */
  public static Suite named(String name) {
    Suite suite = BUILT_IN.get(name);
    if (suite == null) {
      throw new IllegalArgumentException("unknown suite '" + name + "'; valid suite names: " + String.join(", ", names()));
    }
    return suite;
  }
}
