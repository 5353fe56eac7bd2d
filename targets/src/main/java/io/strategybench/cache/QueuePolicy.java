package io.strategybench.cache;

import java.util.function.LongConsumer;

/**
 * The shape FIFO, LRU, CLOCK and SIEVE share: one queue of resident keys, an index of them, and eviction from
 * the queue until the new key fits. Subclasses say what a hit does and which key is the victim.
 */
abstract class QueuePolicy implements CachePolicy {
  final long capacity;
  final LongMap<Node> index;
  final NodeList queue = new NodeList();

  QueuePolicy(CacheSettings settings) {
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
  public boolean onInsert(long key, long weight, LongConsumer evicted) {
    if (weight > capacity) {
      return false;
    }
    while (queue.weight() + weight > capacity) {
      Node victim = victim();
      remove(victim);
      evicted.accept(victim.key);
    }
    Node node = new Node(key, weight);
    index.put(key, node);
    queue.addLast(node);
    return true;
  }

  @Override
  public void onRemove(long key) {
    Node node = index.get(key);
    if (node != null) {
      remove(node);
    }
  }

  /** The next key to evict; the queue is not empty. It may reorder the queue (second chances). */
  abstract Node victim();

  /** Unlinks a resident node; subclasses that point into the queue override it to move off it first. */
  void remove(Node node) {
    index.remove(node.key);
    queue.remove(node);
  }

  @Override
  public int size() {
    return queue.size();
  }

  @Override
  public long weightedSize() {
    return queue.weight();
  }
}
