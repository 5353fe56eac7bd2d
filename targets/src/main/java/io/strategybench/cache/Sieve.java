package io.strategybench.cache;

import io.strategybench.strategy.Strategy;

/**
 * SIEVE (Zhang et al., "SIEVE is Simpler than LRU: an Efficient Turn-Key Eviction Algorithm for Web Caches",
 * NSDI 2024): one FIFO queue and a visited bit per key. New keys enter at the head unvisited; a hit sets the
 * bit and moves nothing. The hand walks from the tail (oldest) toward the head, clearing visited bits, wrapping
 * to the tail at the end; the first unvisited key is evicted in place, and the hand stays on the next newer
 * key for the next eviction. Unlike CLOCK, survivors keep their place, so new keys are sifted out quickly.
 */
@Strategy(name = "sieve", summary = "SIEVE (NSDI'24): FIFO with a visited bit and a hand that keeps its place")
public final class Sieve extends QueuePolicy {
  /** The next key the hand looks at; null means the oldest. */
  private Node hand;

  public Sieve() {
    this(new CacheSettings());
  }

  public Sieve(CacheSettings settings) {
    super(settings);
  }

  @Override
  public void onHit(long key) {
    Node node = index.get(key);
    if (node != null) {
      node.visited = true;
    }
  }

  @Override
  Node victim() {
    Node node = hand != null ? hand : queue.first();
    while (node.visited) {
      node.visited = false;
      node = node.next != null ? node.next : queue.first();
    }
    hand = node; // remove() moves it on to the next newer key
    return node;
  }

  @Override
  void remove(Node node) {
    if (node == hand) {
      hand = node.next;
    }
    super.remove(node);
  }
}
