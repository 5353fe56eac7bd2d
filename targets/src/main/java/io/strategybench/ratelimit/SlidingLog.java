package io.strategybench.ratelimit;

import io.strategybench.strategy.Strategy;

/**
 * The sliding log: the exact sliding window. Each key keeps the times of the requests it was admitted in the
 * last window; a request at {@code now} is admitted iff fewer than {@code limit} admissions lie in
 * {@code (now - window, now]}, that is iff the oldest of the last {@code limit} admissions is at least one
 * window old. It is the reference every approximate window is measured against (Figma's "sliding window
 * log", the sorted-set pattern of Redis rate limiters: {@code ZREMRANGEBYSCORE} + {@code ZCARD} +
 * {@code ZADD}).
 *
 * <p>The log of a key is a ring buffer of at most {@code limit} timestamps, grown on demand. Times are kept in
 * arrival order: a request stamped earlier than the newest admission (threads racing with slightly older
 * timestamps) is logged at the newest admission's time.
 *
 * <p>Known weakness: memory and time proportional to the limit, per key: {@code 8 x limit} bytes at full
 * use, where counters need a few words. A rejected request costs nothing, but a client at its limit keeps
 * {@code limit} timestamps.
 */
@Strategy(name = "sliding-log", summary = "exact sliding window: a log of the admitted requests' times per key",
    characteristics = {RateLimiter.WINDOW_EXACT, RateLimiter.SLIDING_LOG})
public final class SlidingLog implements RateLimiter {
  private static final int INITIAL_CAPACITY = 16;

  private static final class State {
    long[] times;
    int head; // index of the oldest logged admission
    int size;

    State(int capacity) {
      times = new long[capacity];
    }

    long oldest() {
      return times[head];
    }

    long newest() {
      return times[(head + size - 1) % times.length];
    }

    void removeOldest() {
      head = head + 1 == times.length ? 0 : head + 1;
      size--;
    }

    void add(long time, long limit) {
      if (size == times.length) {
        int capacity = (int) Math.min(limit, Math.max(INITIAL_CAPACITY, 2L * times.length));
        long[] grown = new long[capacity];
        for (int i = 0; i < size; i++) {
          grown[i] = times[(head + i) % times.length];
        }
        times = grown;
        head = 0;
      }
      times[(head + size) % times.length] = time;
      size++;
    }
  }

  private final long limit;
  private final long windowNanos;
  private final PerKey<State> states;
  /** Created once: a capturing lambda at every call would allocate on the hot path. */
  private final java.util.function.LongFunction<State> newState;

  public SlidingLog() {
    this(new LocalRateSettings());
  }

  public SlidingLog(LocalRateSettings settings) {
    this.states = new PerKey<>(settings);
    this.limit = settings.limit;
    this.windowNanos = settings.windowNanos();
    int initial = (int) Math.min(limit, INITIAL_CAPACITY);
    this.newState = now -> new State(initial);
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    State state = states.getOrCreate(key, nowNanos, newState);
    synchronized (state) {
      // forget admissions that have left the window (now - t >= window)
      while (state.size > 0 && nowNanos - state.oldest() >= windowNanos) {
        state.removeOldest();
      }
      if (state.size >= limit) {
        long retry = state.oldest() + windowNanos - nowNanos;
        long reset = state.newest() + windowNanos - nowNanos;
        return Decision.reject(limit, retry, reset);
      }
      long time = nowNanos;
      if (state.size > 0 && nowNanos - state.newest() < 0) {
        time = state.newest();
      }
      state.add(time, limit);
      return Decision.admit(limit, limit - state.size, time + windowNanos - nowNanos);
    }
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
