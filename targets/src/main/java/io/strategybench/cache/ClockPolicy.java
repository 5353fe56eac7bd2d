package io.strategybench.cache;

import io.strategybench.strategy.Strategy;

/**
 * CLOCK, the second-chance approximation of LRU (Corbató, "A paging experiment with the Multics system",
 * 1968): one reference bit per key. A new key enters unreferenced; a hit sets the bit; the hand sweeps from
 * the oldest key, clearing set bits (the key gets a second chance and goes round again) and evicts the first
 * key whose bit is clear. Here the clock is a queue whose oldest end is the hand: a second chance moves the
 * key to the newest end, and new keys enter just behind the hand, as in a circular buffer.
 */
@Strategy(name = "clock", summary = "CLOCK: one reference bit per key, a hand that gives set bits a second chance")
public final class ClockPolicy extends QueuePolicy {
  public ClockPolicy() {
    this(new CacheSettings());
  }

  public ClockPolicy(CacheSettings settings) {
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
    while (true) {
      Node hand = queue.first();
      if (!hand.visited) {
        return hand;
      }
      hand.visited = false;
      queue.moveToLast(hand);
    }
  }
}
