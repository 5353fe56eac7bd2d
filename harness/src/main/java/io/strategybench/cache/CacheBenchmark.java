package io.strategybench.cache;

import io.strategybench.run.JmhDefaults;
import io.strategybench.family.FamilyModules;
import io.strategybench.scenario.ZipfKeys;
import io.strategybench.strategy.StrategyContext;
import io.strategybench.strategy.StrategyRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one read and one write cost in a concurrent cache run by each policy ({@link PolicyCache}: a
 * concurrent map of values, reads recorded in striped buffers, the policy updated under a lock in batches).
 * Keys follow a Zipf distribution (s = 0.99) over {@value #KEYS} keys, the cache holds {@code capacity} of them
 * and starts filled by a pass of the same stream; {@code get} reads (hits and misses, the policy told of each),
 * {@code put} writes (updates and inserts with evictions). The shape of Caffeine's own {@code GetPutBenchmark};
 * {@link CacheReferenceBenchmark} measures Caffeine itself and a plain {@code ConcurrentHashMap} the same way.
 */
@State(Scope.Benchmark)
public class CacheBenchmark extends JmhDefaults {
  /** Distinct keys the Zipf stream draws from. */
  public static final int KEYS = 100_000;
  /** Length of the precomputed key stream (a power of two). */
  static final int STREAM = 1 << 20;
  static final Object VALUE = Boolean.TRUE;

  @Param({"lru"})
  public String strategy;

  @Param({"10000"})
  public int capacity;

  PolicyCache<Object> cache;
  long[] keys;

  @Setup
  public void setup() {
    StrategyRegistry registry = FamilyModules.fromHome().registry();
    CachePolicy policy = registry.strategy(CachePolicy.FAMILY, strategy)
        .create(Map.of("capacity", Integer.toString(capacity)), StrategyContext.system());
    cache = new PolicyCache<>(policy);
    keys = stream();
    for (long key : keys) {
      if (cache.get(key) == null) {
        cache.put(key, VALUE, 1);
      }
    }
  }

  /** The key stream every benchmark and thread reads: Zipf ranks, seeded. */
  static long[] stream() {
    ZipfKeys zipf = new ZipfKeys(KEYS, 0.99, 1);
    long[] keys = new long[STREAM];
    for (int i = 0; i < STREAM; i++) {
      keys[i] = zipf.next();
    }
    return keys;
  }

  /** One caller's position in the key stream, each thread starting at its own place. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = ThreadLocalRandom.current().nextInt(STREAM);

    int next() {
      int i = next;
      next = (i + 1) & (STREAM - 1);
      return i;
    }
  }

  @Benchmark
  public Object get(Cursor cursor) {
    return cache.get(keys[cursor.next()]);
  }

  @Benchmark
  public boolean put(Cursor cursor) {
    return cache.put(keys[cursor.next()], VALUE, 1);
  }
}
