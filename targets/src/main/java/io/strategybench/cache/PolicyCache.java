package io.strategybench.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * A concurrent bounded cache of values made from any {@link CachePolicy}: a {@link ConcurrentHashMap} holds the
 * values, reads never lock (they record their hit or miss in a {@link ReadBuffer}), and the policy, which is
 * single-threaded, is updated under one lock by whoever writes or fills a ring of the buffer: the read events
 * first, in order, then the write. This is BP-Wrapper (Ding, Jiang and Zhang, "BP-Wrapper: A System Framework
 * Making Any Replacement Algorithms (Almost) Lock Contention Free", ICDE 2009), as Caffeine applies it. On one
 * thread the policy sees exactly the sequence of operations, so a single-threaded run is as exact as the
 * simulator; under contention a few reads may be dropped.
 *
 * <p>Keys are {@code 0 <= key < 2^62} (two bits are the buffer's). The values map and the policy agree whenever
 * the lock is free.
 *
 * @param <V> the cached values
 */
public final class PolicyCache<V> {
  /** The largest key plus one. */
  public static final long KEY_LIMIT = 1L << 62;

  /** Told of each value the policy evicted (not of removals), under the cache's lock. */
  @FunctionalInterface
  public interface EvictionListener<V> {
    void evicted(long key, V value);
  }

  private final CachePolicy policy;
  private final ConcurrentHashMap<Long, V> values;
  private final ReentrantLock lock = new ReentrantLock();
  private final ReadBuffer reads = new ReadBuffer();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder droppedReads = new LongAdder();
  private final LongConsumer replay;
  private final LongConsumer evict;

  public PolicyCache(CachePolicy policy) {
    this(policy, (key, value) -> {});
  }

  public PolicyCache(CachePolicy policy, EvictionListener<V> listener) {
    this.policy = policy;
    this.values = new ConcurrentHashMap<>((int) Math.min(policy.capacity(), 1 << 16));
    this.replay = event -> {
      long bits = event ^ Long.MIN_VALUE;
      long key = bits >>> 1;
      if ((bits & 1) != 0) {
        policy.onHit(key);
      } else {
        policy.onMiss(key);
      }
    };
    this.evict = key -> {
      V value = values.remove(key);
      evictions.increment();
      if (value != null) {
        listener.evicted(key, value);
      }
    };
  }

  public CachePolicy policy() {
    return policy;
  }

  /** The value of {@code key}, or null; recorded as a hit or a miss. */
  public V get(long key) {
    checkKey(key);
    V value = values.get(key);
    record(key, value != null);
    return value;
  }

  /** The value of {@code key}, or null, without telling the policy (a look that is not a use). */
  public V peek(long key) {
    return values.get(key);
  }

  /**
   * Stores {@code value} for {@code key}: an update of a resident key counts as a use of it; a new key is offered
   * to the policy, which may evict others, or refuse it.
   *
   * @return whether {@code key} is resident afterwards
   */
  public boolean put(long key, V value, long weight) {
    return putIf(key, value, weight, current -> true);
  }

  /**
   * As {@link #put}, but only if {@code accept} agrees, given the value now stored ({@code null} when there is
   * none): a versioned fill that must not overwrite a newer value, nor insert an outdated one. Decided under the
   * lock, so no write slips in between.
   *
   * @return whether {@code value} was stored
   */
  public boolean putIf(long key, V value, long weight, Predicate<? super V> accept) {
    checkKey(key);
    lock.lock();
    try {
      drain();
      V current = values.get(key);
      if (!accept.test(current)) {
        return false;
      }
      if (current != null) {
        values.put(key, value);
        policy.onHit(key);
        return true;
      }
      if (!policy.onInsert(key, weight, evict)) {
        return false;
      }
      values.put(key, value);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes {@code key} (an invalidation, not an eviction); returns its value, or null. */
  public V remove(long key) {
    lock.lock();
    try {
      drain();
      V value = values.remove(key);
      if (value != null) {
        policy.onRemove(key);
      }
      return value;
    } finally {
      lock.unlock();
    }
  }

  /** Removes every key. */
  public void clear() {
    lock.lock();
    try {
      drain();
      for (Long key : values.keySet()) {
        values.remove(key);
        policy.onRemove(key);
      }
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    return values.size();
  }

  public long weightedSize() {
    lock.lock();
    try {
      return policy.weightedSize();
    } finally {
      lock.unlock();
    }
  }

  public long evictions() {
    return evictions.sum();
  }

  /** Reads not told to the policy because their buffer was full or contended. */
  public long droppedReads() {
    return droppedReads.sum();
  }

  /** Zeroes the eviction and dropped-read counters. */
  public void resetCounters() {
    evictions.reset();
    droppedReads.reset();
  }

  private void record(long key, boolean hit) {
    long event = ((key << 1) | (hit ? 1 : 0)) ^ Long.MIN_VALUE;
    ReadBuffer.Offer offer = reads.offer(event);
    switch (offer) {
      case OK -> { }
      case DRAIN -> tryDrain();
      case FULL -> {
        if (tryDrain() && reads.offer(event) != ReadBuffer.Offer.FULL) {
          return;
        }
        droppedReads.increment();
      }
      case CONTENDED -> droppedReads.increment();
      default -> throw new IllegalStateException(offer.name());
    }
  }

  private boolean tryDrain() {
    if (!lock.tryLock()) {
      return false;
    }
    try {
      drain();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void drain() {
    reads.drain(replay);
  }

  private static void checkKey(long key) {
    if (key < 0 || key >= KEY_LIMIT) {
      throw new IllegalArgumentException("cache keys must be 0 <= key < 2^62, got " + key);
    }
  }
}
