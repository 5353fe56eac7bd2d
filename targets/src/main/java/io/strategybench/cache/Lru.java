package io.strategybench.cache;

import io.strategybench.strategy.Strategy;

/**
 * Least recently used: a hit moves the key to the most recent end, the victim is the least recently used
 * key. The textbook policy (e.g. Mattson et al., "Evaluation techniques for storage hierarchies", IBM
 * Systems Journal 1970); strong on recency-heavy traffic, flushed by a scan or a loop larger than the cache.
 */
@Strategy(name = "lru", summary = "least recently used: a hit moves the key to the front, evict from the back")
public final class Lru extends QueuePolicy {
  public Lru() {
    this(new CacheSettings());
  }

  public Lru(CacheSettings settings) {
    super(settings);
  }

  @Override
  public void onHit(long key) {
    Node node = index.get(key);
    if (node != null) {
      queue.moveToLast(node);
    }
  }

  @Override
  Node victim() {
    return queue.first();
  }
}
