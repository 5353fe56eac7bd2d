package io.strategybench.ratelimit;

import io.strategybench.run.JmhDefaults;
import io.strategybench.family.FamilyModules;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one admission decision costs: {@code acquire} asks the limiter about one request, reading the clock
 * as the gateway does, with {@code keys} clients (1: one hot key every thread fights over; 100,000: state
 * spread over many keys, mostly out of the CPU caches). Every strategy runs with {@link #LIMIT} per second,
 * so the hot key is mostly rejected and the many keys mostly admitted. Concurrency limiters release the slot
 * in the same operation. Redis-backed strategies talk to the server named by {@code -Dstrategybench.redis}.
 */
@State(Scope.Benchmark)
public class RateLimitBenchmark extends JmhDefaults {
  /** Requests per second per key, for every strategy and reference. */
  public static final long LIMIT = 100;
  /** The system property naming the Redis server for the redis-* strategies. */
  public static final String REDIS_PROPERTY = "strategybench.redis";

  @Param({"token-bucket"})
  public String strategy;

  @Param({"1", "100000"})
  public int keys;

  RateLimiter limiter;
  boolean release;
  String[] keyNames;

  @Setup
  public void setup() {
    StrategyRegistry registry = FamilyModules.fromHome().registry();
    var descriptor = registry.strategy(RateLimiter.FAMILY, strategy);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("limit", Long.toString(LIMIT));
    params.put("window-millis", "1000");
    if (RedisForSimulation.needsRedis(descriptor) && System.getProperty(REDIS_PROPERTY) != null) {
      params.put("redis", System.getProperty(REDIS_PROPERTY));
    }
    limiter = descriptor.create(params, StrategyContext.system());
    release = limiter.needsRelease();
    keyNames = names(keys);
  }

  static String[] names(int keys) {
    String[] out = new String[keys];
    for (int i = 0; i < keys; i++) {
      out[i] = "client-" + i;
    }
    return out;
  }

  @TearDown
  public void tearDown() {
    limiter.close();
  }

  /** One caller's position in the key set. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    String next(String[] keys) {
      int i = next;
      next = i + 1 == keys.length ? 0 : i + 1;
      return keys[i];
    }
  }

  @Benchmark
  public boolean acquire(Cursor cursor) {
    String key = cursor.next(keyNames);
    long now = System.nanoTime();
    boolean admitted = limiter.acquire(key, now).admitted();
    if (release && admitted) {
      limiter.release(key, now, 0, false);
    }
    return admitted;
  }
}
