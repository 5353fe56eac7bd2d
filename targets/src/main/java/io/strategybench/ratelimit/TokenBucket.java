package io.strategybench.ratelimit;

import io.strategybench.strategy.Strategy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token bucket (Turner, 1986; the policer of RFC 2697 and of most API gateways): a bucket of
 * {@code limit} tokens refilled continuously at {@code limit} per {@code window}; a request takes one token
 * or is rejected. A full bucket lets a burst of {@code limit} through at once, the long-run rate is
 * {@code limit / window}.
 *
 * <p>Representation: the virtual-time form of the bucket (the GCRA of ATM, ITU-T I.371), one
 * {@link AtomicLong} per key holding the time {@code full} at which the bucket would be full again. One token
 * is worth an emission interval {@code T = ceil(window / limit)} nanoseconds and the bucket holds
 * {@code tau = limit x T}; at {@code now} the bucket holds {@code (tau - max(0, full - now)) / T} tokens. A
 * request sets {@code full' = max(full, now) + T} with a compare-and-set if {@code full' - now <= tau}, and is
 * rejected without writing otherwise. No lock and no allocation besides the {@link Decision}.
 *
 * <p>The emission interval is rounded up to whole nanoseconds, so the refill rate is at most, never above,
 * {@code limit / window} (exact when {@code limit} divides the window in nanoseconds; at most 1 ns per token
 * slower otherwise). {@code remaining} is the whole number of tokens left after the request.
 *
 * <p>Known weakness: the burst. A client idle for a window may spend all {@code limit} tokens at once, so a
 * backend sees up to {@code limit + rate x t} requests in any interval {@code t}, twice the rate over one
 * window.
 */
@Strategy(name = "token-bucket",
    summary = "token bucket of limit tokens refilled at limit per window (lock-free virtual-time form)",
    characteristics = {RateLimiter.WINDOW_TWICE})
public final class TokenBucket implements RateLimiter {
  private final long limit;
  private final long interval;
  private final long tau;
  private final PerKey<AtomicLong> states;

  public TokenBucket() {
    this(new LocalRateSettings());
  }

  public TokenBucket(LocalRateSettings settings) {
    this.states = new PerKey<>(settings);
    this.limit = settings.limit;
    this.interval = Arith.ceilDiv(settings.windowNanos(), settings.limit);
    this.tau = settings.limit * interval;
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    AtomicLong full = states.getOrCreate(key, nowNanos, AtomicLong::new); // a new key starts full
    while (true) {
      long current = full.get();
      long debt = current - nowNanos; // nanoseconds until full again
      if (debt < 0) {
        debt = 0;
      }
      long next = debt + interval;
      if (next > tau) {
        return Decision.reject(limit, next - tau, debt);
      }
      if (full.compareAndSet(current, nowNanos + next)) {
        return Decision.admit(limit, (tau - next) / interval, next);
      }
    }
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
