package io.strategybench.ratelimit;

import io.strategybench.strategy.Strategy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The static concurrency limit (a bulkhead, as Resilience4j's {@code SemaphoreBulkhead} or Envoy's
 * {@code max_requests} circuit breaker): each key may have at most {@code limit} admitted requests that
 * have not been {@link #release released} yet. {@code window-millis} is not used. The in-flight count is one
 * {@link AtomicLong} per key, raised with a compare-and-set only while below the limit.
 *
 * <p>A rejection carries no retry time ({@code retryAfter = 0}): a slot frees when some request finishes,
 * which the limiter cannot predict. A release without a matching admission is ignored rather than letting
 * the count go negative.
 *
 * <p>Known weakness: the limit is static. Set too high it protects nothing until the backend is already
 * saturated (Little's law: in-flight = rate x latency, so it bites only once latency has grown); set too low it
 * rejects traffic a healthy backend could serve. The adaptive {@link AimdLimit} and {@link GradientLimit}
 * address this.
 */
@Strategy(name = "concurrency", summary = "at most limit requests in flight per key (window-millis unused)",
    characteristics = {RateLimiter.IN_FLIGHT})
public final class ConcurrencyLimit implements RateLimiter {
  private static final java.util.function.LongFunction<AtomicLong> NEW_COUNT = now -> new AtomicLong();
  private final long limit;
  private final PerKey<AtomicLong> inflight;

  public ConcurrencyLimit() {
    this(new LocalRateSettings());
  }

  public ConcurrencyLimit(LocalRateSettings settings) {
    this.limit = settings.limit;
    this.inflight = new PerKey<>(settings, count -> count.get() > 0); // a key with requests in flight stays
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    AtomicLong count = inflight.getOrCreate(key, nowNanos, NEW_COUNT);
    while (true) {
      long current = count.get();
      if (current >= limit) {
        return Decision.reject(limit, 0, 0);
      }
      if (count.compareAndSet(current, current + 1)) {
        return Decision.admit(limit, limit - current - 1, 0);
      }
    }
  }

  @Override
  public void release(String key, long nowNanos, long latencyNanos, boolean dropped) {
    AtomicLong count = inflight.get(key);
    if (count == null) {
      return;
    }
    while (true) {
      long current = count.get();
      if (current <= 0 || count.compareAndSet(current, current - 1)) {
        return;
      }
    }
  }

  @Override
  public boolean needsRelease() {
    return true;
  }

  /** Requests of {@code key} admitted and not yet released. */
  long inflight(String key) {
    AtomicLong count = inflight.get(key);
    return count == null ? 0 : count.get();
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return inflight.stats();
  }
}
