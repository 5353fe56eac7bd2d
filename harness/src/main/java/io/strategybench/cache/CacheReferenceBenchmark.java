package io.strategybench.cache;

import io.strategybench.run.JmhDefaults;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The references for {@link CacheBenchmark}, measured the same way in the same run: Caffeine's bounded cache as
 * applications build it ({@code maximumSize}, its default executor), and a plain unbounded
 * {@code ConcurrentHashMap} holding every key (no policy at all: the floor). Keys are boxed on each call, as
 * {@link PolicyCache} boxes them, so the comparison is of the caches, not of the boxing.
 */
@State(Scope.Benchmark)
public class CacheReferenceBenchmark extends JmhDefaults {
  @Param({"caffeine", "caffeine-same-thread", "concurrent-hash-map"})
  public String implementation;

  @Param({"10000"})
  public int capacity;

  Cache<Long, Object> caffeine;
  ConcurrentHashMap<Long, Object> map;
  long[] keys;

  @Setup
  public void setup() {
    keys = CacheBenchmark.stream();
    switch (implementation) {
      case "caffeine", "caffeine-same-thread" -> {
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(capacity);
        if (implementation.equals("caffeine-same-thread")) {
          builder.executor(Runnable::run); // its maintenance on the calling thread, as PolicyCache does it
        }
        caffeine = builder.build();
        for (long key : keys) {
          if (caffeine.getIfPresent(key) == null) {
            caffeine.put(key, CacheBenchmark.VALUE);
          }
        }
        caffeine.cleanUp();
      }
      case "concurrent-hash-map" -> {
        map = new ConcurrentHashMap<>(2 * CacheBenchmark.KEYS);
        for (long key = 0; key < CacheBenchmark.KEYS; key++) {
          map.put(key, CacheBenchmark.VALUE);
        }
      }
      default -> throw new IllegalArgumentException("unknown implementation " + implementation);
    }
  }

  @Benchmark
  public Object get(CacheBenchmark.Cursor cursor) {
    long key = keys[cursor.next()];
    return caffeine != null ? caffeine.getIfPresent(key) : map.get(key);
  }

  @Benchmark
  public Object put(CacheBenchmark.Cursor cursor) {
    long key = keys[cursor.next()];
    if (caffeine != null) {
      caffeine.put(key, CacheBenchmark.VALUE);
      return key;
    }
    return map.put(key, CacheBenchmark.VALUE);
  }
}
