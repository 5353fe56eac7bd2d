package io.strategybench.ratelimit;

import io.strategybench.strategy.Strategy;

/**
 * The fixed-window counter: time is cut into windows of {@code window-millis} and each key may make
 * {@code limit} requests per window; the counter starts again at zero when a new window begins. It is the
 * oldest and cheapest scheme (one counter and one window index per key; Redis's {@code INCR} + {@code EXPIRE}
 * pattern, described in the Redis documentation of {@code INCR} as "rate limiter 1").
 *
 * <p>Windows are aligned to multiples of the window length measured from the key's <em>first</em> request
 * (not to the wall clock, which strategies never read): the first request opens window 0, a request
 * {@code e} nanoseconds later falls into window {@code floor(e / window)}. A request that arrives with a
 * time before the current window (threads racing with slightly older timestamps) is counted in the current
 * window.
 *
 * <p>Known weakness: the boundary burst. A client may spend a full {@code limit} just before a window ends
 * and another full {@code limit} just after, so up to {@code 2 x limit} requests pass within an interval much
 * shorter than one window (but never more than {@code 2 x limit} in any interval of one window length).
 */
@Strategy(name = "fixed-window", summary = "counter per fixed window, windows aligned to the key's first request",
    characteristics = {RateLimiter.WINDOW_TWICE})
public final class FixedWindow implements RateLimiter {
  private static final class State {
    final long origin;
    long window;
    long count;

    State(long origin) {
      this.origin = origin;
    }
  }

  private final long limit;
  private final long windowNanos;
  private final PerKey<State> states;

  public FixedWindow() {
    this(new LocalRateSettings());
  }

  public FixedWindow(LocalRateSettings settings) {
    this.states = new PerKey<>(settings);
    this.limit = settings.limit;
    this.windowNanos = settings.windowNanos();
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    State state = states.getOrCreate(key, nowNanos, State::new);
    synchronized (state) {
      long elapsed = nowNanos - state.origin;
      long window = Math.floorDiv(elapsed, windowNanos);
      if (window > state.window) {
        state.window = window;
        state.count = 0;
      } else {
        window = state.window;
      }
      long toEnd = (window + 1) * windowNanos - elapsed;
      if (state.count >= limit) {
        return Decision.reject(limit, toEnd, toEnd);
      }
      state.count++;
      return Decision.admit(limit, limit - state.count, toEnd);
    }
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
