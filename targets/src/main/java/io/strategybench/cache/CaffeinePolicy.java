package io.strategybench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.strategybench.strategy.Strategy;
import java.util.function.LongConsumer;

/**
 * The reference: Caffeine's bounded cache (W-TinyLFU with its hill climber, by Ben Manes), so a well-known
 * library stands beside our implementations in every lens. Maintenance runs on the calling thread (a
 * same-thread executor), so each insert has done its evictions when it returns and a replay is repeatable; only
 * Caffeine's rare random admission of a popular candidate (1 in 128, its hash-flooding defence) is outside our
 * control.
 */
@Strategy(name = "caffeine", summary = "reference: Caffeine's bounded cache (W-TinyLFU), same-thread maintenance")
public final class CaffeinePolicy implements CachePolicy {
  private final long capacity;
  private final Cache<Long, Long> cache;
  private LongConsumer sink = IGNORE;
  private long inserting;
  private boolean refused;

  public CaffeinePolicy() {
    this(new CacheSettings());
  }

  public CaffeinePolicy(CacheSettings settings) {
    this.capacity = settings.capacity;
    this.cache = Caffeine.newBuilder()
        .executor(Runnable::run)
        .maximumWeight(capacity)
        .<Long, Long>weigher((key, weight) -> (int) Math.min(weight, Integer.MAX_VALUE))
        .<Long, Long>evictionListener((key, weight, cause) -> {
          if (cause.wasEvicted() && key != null) {
            if (key == inserting) {
              refused = true;
            }
            sink.accept(key);
          }
        })
        .build();
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public boolean contains(long key) {
    return cache.asMap().containsKey(key);
  }

  @Override
  public void onHit(long key) {
    cache.getIfPresent(key);
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    if (weight > capacity) {
      return false;
    }
    sink = evicted;
    inserting = key;
    refused = false;
    try {
      cache.put(key, weight);
      cache.cleanUp();
    } finally {
      sink = IGNORE;
    }
    return !refused;
  }

  @Override
  public void onRemove(long key) {
    cache.invalidate(key);
  }

  @Override
  public int size() {
    return (int) cache.estimatedSize();
  }

  @Override
  public long weightedSize() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }
}
