package io.strategybench.ratelimit;

import io.strategybench.strategy.Strategy;

/**
 * The leaky bucket as a meter (Turner, 1986; Tanenbaum, Computer Networks): each key has a bucket of
 * capacity {@code limit} whose water leaks at {@code limit} per {@code window}; a request pours in one unit
 * if it fits ({@code level + 1 <= limit}) and is admitted, otherwise it is rejected and the level is
 * unchanged. As a meter (it decides, it does not queue) it is the mirror image of the {@link TokenBucket}:
 * the level is the tokens missing from the bucket, and both admit exactly the same requests.
 *
 * <p>Representation: the level in nanoseconds of draining ({@code level x T}, with {@code T = ceil(window /
 * limit)} nanoseconds per unit, so the leak rate is at most, never above, {@code limit / window}) and the time
 * of the last update, under a lock per key; the level drains by the elapsed nanoseconds at each request.
 * {@code remaining} is the whole number of units that still fit.
 *
 * <p>Known weakness: as for the token bucket, an empty bucket takes a burst of {@code limit} at once, and
 * the meter does not smooth traffic (see {@link LeakyBucketQueue} for the shaping form).
 */
@Strategy(name = "leaky-bucket", summary = "leaky bucket as a meter: capacity limit, leaking limit per window",
    characteristics = {RateLimiter.WINDOW_TWICE})
public final class LeakyBucketMeter implements RateLimiter {
  private static final class State {
    long level; // nanoseconds of draining
    long last;

    State(long now) {
      this.last = now;
    }
  }

  private final long limit;
  private final long interval;
  private final long capacity;
  private final PerKey<State> states;

  public LeakyBucketMeter() {
    this(new LocalRateSettings());
  }

  public LeakyBucketMeter(LocalRateSettings settings) {
    this.states = new PerKey<>(settings);
    this.limit = settings.limit;
    this.interval = Arith.ceilDiv(settings.windowNanos(), settings.limit);
    this.capacity = settings.limit * interval;
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    State state = states.getOrCreate(key, nowNanos, State::new);
    synchronized (state) {
      long elapsed = nowNanos - state.last;
      if (elapsed > 0) {
        state.level = elapsed >= state.level ? 0 : state.level - elapsed;
        state.last = nowNanos;
      }
      // a request stamped before the last update (a racing thread) finds the level as of that update
      long level = state.level + Math.max(0, state.last - nowNanos);
      if (level + interval > capacity) {
        return Decision.reject(limit, level + interval - capacity, level);
      }
      state.level += interval;
      level += interval;
      return Decision.admit(limit, (capacity - level) / interval, level);
    }
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
