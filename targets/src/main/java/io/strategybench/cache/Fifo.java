package io.strategybench.cache;

import io.strategybench.strategy.Strategy;

/**
 * First in, first out: the victim is the key inserted earliest; hits change nothing. The baseline every
 * other policy is measured against, and the cheapest to run (no work on a hit).
 */
@Strategy(name = "fifo", summary = "first in, first out: evict the earliest inserted key; hits change nothing")
public final class Fifo extends QueuePolicy {
  public Fifo() {
    this(new CacheSettings());
  }

  public Fifo(CacheSettings settings) {
    super(settings);
  }

  @Override
  public void onHit(long key) {}

  @Override
  Node victim() {
    return queue.first();
  }
}
