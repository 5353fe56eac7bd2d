package io.strategybench.ratelimit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Each client key's state, created on the key's first request, and bounded: at most {@code maxKeys} keys, and
 * a key unused for {@code idleNanos} is dropped. A known key is found without a lock or an allocation; only a
 * new key reserves a place, and when none is left the least recently used keys are evicted.
 *
 * <p>Bounds: the number of keys never exceeds {@code maxKeys}, even under concurrent inserts (a new key
 * reserves its place in a counter before it enters the map). Eviction runs in batches of a sixteenth of
 * {@code maxKeys} (at least one), the least recently used first by the time of their last request (recorded
 * to the millisecond), so its cost, one pass over the keys, is shared by the next sixteenth of new keys.
 * Idle keys are dropped by a pass at most every quarter of {@code idleNanos}, made by whichever request finds
 * it due. All times are the {@code nowNanos} the limiter is given, so the simulator's virtual clock drives
 * expiry too.
 *
 * <p>What eviction changes: an evicted key that comes back starts over as a new key, with a full allowance.
 * An idle key is dropped only after at least twice the window ({@link LocalRateSettings#keyIdleNanos()}),
 * when a rate strategy's state is what a new key would get anyway, so expiry changes no decision; it resets an
 * adaptive limiter's learned limit. A key that {@code busy} says is in use (requests in flight) is neither
 * expired nor evicted, unless every key is busy, when the least recently used are evicted all the same.
 *
 * <p>A request that read a key's state just before that state was evicted updates the evicted copy; the key's
 * next request starts over. This race needs the key to be the least recently used one, or idle.
 *
 * @param <S> the state of one key
 */
final class PerKey<S> {
  static final int DEFAULT_MAX_KEYS = 100_000;
  static final long DEFAULT_IDLE_MILLIS = 600_000;
  private static final long TOUCH_RESOLUTION_NANOS = 1_000_000;

  private static final class Entry<S> {
    final S state;
    volatile long lastNanos;

    Entry(S state, long nowNanos) {
      this.state = state;
      this.lastNanos = nowNanos;
    }
  }

  private final ConcurrentHashMap<String, Entry<S>> states = new ConcurrentHashMap<>();
  private final AtomicInteger reserved = new AtomicInteger();
  private final int maxKeys;
  private final long idleNanos;
  private final Predicate<? super S> busy;
  private final ReentrantLock sweeping = new ReentrantLock();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private volatile long nextExpiryNanos;
  private volatile boolean expiryScheduled;

  /** The default bounds: {@value #DEFAULT_MAX_KEYS} keys, idle for ten minutes. */
  PerKey() {
    this(DEFAULT_MAX_KEYS, DEFAULT_IDLE_MILLIS * 1_000_000L, s -> false);
  }

  /** The bounds of {@code settings}. */
  PerKey(LocalRateSettings settings) {
    this(settings, s -> false);
  }

  /** The bounds of {@code settings}; {@code busy} keys are kept while others can go. */
  PerKey(LocalRateSettings settings, Predicate<? super S> busy) {
    this((int) Math.min(Integer.MAX_VALUE, settings.maxKeys), settings.keyIdleNanos(), busy);
  }

  PerKey(int maxKeys, long idleNanos, Predicate<? super S> busy) {
    if (maxKeys < 1 || idleNanos < 1) {
      throw new IllegalArgumentException("max keys and the idle expiry must be positive");
    }
    this.maxKeys = maxKeys;
    this.idleNanos = idleNanos;
    this.busy = busy;
  }

  /** The state of {@code key}, or null when the key was never seen (or was evicted). */
  S get(String key) {
    Entry<S> e = states.get(key);
    return e == null ? null : e.state;
  }

  /** The state of {@code key}, created by {@code create} from the time of its first request. */
  S getOrCreate(String key, long nowNanos, LongFunction<? extends S> create) {
    expireIfDue(nowNanos);
    Entry<S> e = states.get(key);
    if (e != null) {
      touch(e, nowNanos);
      return e.state;
    }
    reserve(nowNanos);
    Entry<S> created = new Entry<>(create.apply(nowNanos), nowNanos);
    Entry<S> raced = states.putIfAbsent(key, created);
    if (raced != null) {
      reserved.decrementAndGet();
      touch(raced, nowNanos);
      return raced.state;
    }
    return created.state;
  }

  private static void touch(Entry<?> e, long nowNanos) {
    if (nowNanos - e.lastNanos > TOUCH_RESOLUTION_NANOS) {
      e.lastNanos = nowNanos;
    }
  }

  /** Takes a place for a new key, evicting when none is left. */
  private void reserve(long nowNanos) {
    while (true) {
      int n = reserved.get();
      if (n < maxKeys) {
        if (reserved.compareAndSet(n, n + 1)) {
          return;
        }
        continue;
      }
      sweeping.lock();
      try {
        if (reserved.get() >= maxKeys && !sweep(nowNanos, true)) {
          Thread.onSpinWait(); // the places are reserved by inserts not in the map yet
        }
      } finally {
        sweeping.unlock();
      }
    }
  }

  private void expireIfDue(long nowNanos) {
    if (!expiryScheduled) {
      nextExpiryNanos = nowNanos + idleNanos / 4;
      expiryScheduled = true;
      return;
    }
    if (nowNanos - nextExpiryNanos >= 0 && sweeping.tryLock()) {
      try {
        if (nowNanos - nextExpiryNanos >= 0) {
          nextExpiryNanos = nowNanos + Math.max(1, idleNanos / 4);
          sweep(nowNanos, false);
        }
      } finally {
        sweeping.unlock();
      }
    }
  }

  /** Drops idle keys and, when {@code needRoom}, the least recently used batch; whether a key went. Under the lock. */
  private boolean sweep(long nowNanos, boolean needRoom) {
    int removed = 0;
    List<Map.Entry<String, Entry<S>>> candidates = needRoom ? new ArrayList<>(states.size()) : null;
    for (Map.Entry<String, Entry<S>> m : states.entrySet()) {
      Entry<S> e = m.getValue();
      if (busy.test(e.state)) {
        continue;
      }
      if (nowNanos - e.lastNanos >= idleNanos) {
        if (remove(m.getKey(), e)) {
          expired.increment();
          removed++;
        }
      } else if (candidates != null) {
        candidates.add(m);
      }
    }
    if (!needRoom || reserved.get() < maxKeys) {
      return removed > 0;
    }
    if (candidates.isEmpty()) { // every key is busy: evict among them all the same
      candidates.addAll(states.entrySet());
    }
    int batch = Math.max(1, maxKeys / 16);
    if (candidates.isEmpty()) {
      return removed > 0;
    }
    long[] times = new long[candidates.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = candidates.get(i).getValue().lastNanos;
    }
    long[] sorted = times.clone();
    Arrays.sort(sorted);
    long threshold = sorted[Math.min(batch, sorted.length) - 1];
    int evictedNow = 0;
    for (int i = 0; i < times.length && evictedNow < batch; i++) {
      if (times[i] <= threshold) {
        Map.Entry<String, Entry<S>> m = candidates.get(i);
        if (m.getValue().lastNanos <= threshold && remove(m.getKey(), m.getValue())) {
          evicted.increment();
          evictedNow++;
        }
      }
    }
    return removed + evictedNow > 0;
  }

  private boolean remove(String key, Entry<S> e) {
    if (states.remove(key, e)) {
      reserved.decrementAndGet();
      return true;
    }
    return false;
  }

  /** The states of the keys kept now. */
  Collection<S> values() {
    List<S> out = new ArrayList<>(states.size());
    for (Entry<S> e : states.values()) {
      out.add(e.state);
    }
    return out;
  }

  /** Keys kept now. */
  int size() {
    return states.size();
  }

  /** Places taken by keys: those in the map and those about to enter it; never more than {@code maxKeys}. */
  int placesTaken() {
    return reserved.get();
  }

  long evictions() {
    return evicted.sum();
  }

  long expirations() {
    return expired.sum();
  }

  /** The counters the stage reports for each rule: keys kept, their bound, evicted and expired keys. */
  Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("keys", states.size());
    out.put("maxKeys", maxKeys);
    out.put("keyIdleMillis", idleNanos / 1_000_000L);
    out.put("evictedKeys", evicted.sum());
    out.put("expiredKeys", expired.sum());
    return out;
  }
}
