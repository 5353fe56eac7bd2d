package io.strategybench.cache;

import io.strategybench.strategy.Strategy;
import java.util.function.LongConsumer;

/**
 * Least frequently used: the victim is the resident key with the fewest accesses, ties going to the least
 * recently used of them. The count is 1 on insert and +1 on each hit, and is kept only while the key is
 * resident (a returning key starts again at 1): "in-cache" LFU, as the traces README defines it.
 *
 * <p>O(1) per operation (Shah, Mitra and Matani, "An O(1) algorithm for implementing the LFU cache eviction
 * scheme", 2010): keys sit in buckets of equal count, buckets in a list by count. A key enters a bucket when its
 * count changes, that is at its latest access, so each bucket, oldest first, is in least-recently-used order.
 */
@Strategy(name = "lfu", summary = "least frequently used, ties to the least recent; counts kept while resident")
public final class Lfu implements CachePolicy {
  /** Keys with the same count, least recently used first. */
  private static final class Bucket {
    final int count;
    final NodeList keys = new NodeList();
    Bucket lower;
    Bucket higher;

    Bucket(int count) {
      this.count = count;
    }
  }

  private final long capacity;
  private final LongMap<Node> index;
  private final LongMap<Bucket> buckets = new LongMap<>(64);
  private Bucket lowest;
  private int size;
  private long weight;

  public Lfu() {
    this(new CacheSettings());
  }

  public Lfu(CacheSettings settings) {
    this.capacity = settings.capacity;
    this.index = new LongMap<>((int) Math.min(capacity, 1 << 20));
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public boolean contains(long key) {
    return index.get(key) != null;
  }

  @Override
  public void onHit(long key) {
    Node node = index.get(key);
    if (node == null) {
      return;
    }
    Bucket from = bucketOf(node);
    Bucket to = from.higher;
    if (to == null || to.count != node.freq + 1) {
      to = link(new Bucket(node.freq + 1), from);
    }
    from.keys.remove(node);
    node.freq++;
    to.keys.addLast(node);
    if (from.keys.isEmpty()) {
      unlink(from);
    }
  }

  @Override
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    if (weight > capacity) {
      return false;
    }
    while (this.weight + weight > capacity) {
      Node victim = lowest.keys.first();
      remove(victim);
      evicted.accept(victim.key);
    }
    Node node = new Node(key, weight);
    node.freq = 1;
    Bucket one = lowest;
    if (one == null || one.count != 1) {
      one = link(new Bucket(1), null);
    }
    one.keys.addLast(node);
    index.put(key, node);
    size++;
    this.weight += weight;
    return true;
  }

  @Override
  public void onRemove(long key) {
    Node node = index.get(key);
    if (node != null) {
      remove(node);
    }
  }

  private void remove(Node node) {
    Bucket bucket = bucketOf(node);
    bucket.keys.remove(node);
    if (bucket.keys.isEmpty()) {
      unlink(bucket);
    }
    index.remove(node.key);
    size--;
    weight -= node.weight;
  }

  private Bucket bucketOf(Node node) {
    return buckets.get(node.freq);
  }

  /** Links {@code bucket} just above {@code below} (at the bottom when null). */
  private Bucket link(Bucket bucket, Bucket below) {
    Bucket above = below == null ? lowest : below.higher;
    bucket.lower = below;
    bucket.higher = above;
    if (below == null) {
      lowest = bucket;
    } else {
      below.higher = bucket;
    }
    if (above != null) {
      above.lower = bucket;
    }
    buckets.put(bucket.count, bucket);
    return bucket;
  }

  private void unlink(Bucket bucket) {
    if (bucket.lower == null) {
      lowest = bucket.higher;
    } else {
      bucket.lower.higher = bucket.higher;
    }
    if (bucket.higher != null) {
      bucket.higher.lower = bucket.lower;
    }
    buckets.remove(bucket.count);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long weightedSize() {
    return weight;
  }
}
