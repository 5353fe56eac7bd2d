package io.strategybench.ratelimit;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;

/**
 * An adaptive concurrency limit per key, additive increase / multiplicative decrease, as Netflix
 * concurrency-limits' {@code AIMDLimit} (github.com/Netflix/concurrency-limits,
 * {@code concurrency-limits-core/src/main/java/com/netflix/concurrency/limits/limit/AIMDLimit.java}). Each key
 * starts at {@code limit} requests in flight and admits while fewer are in flight than its current limit. On
 * each {@link #release}:
 *
 * <pre>
 *   if (dropped || latency &gt; timeout)   limit = floor(limit x backoff-ratio)
 *   else if (inflight x 2 &gt;= limit)     limit = limit + 1
 *   limit = min(max-limit, max(min-limit, limit))
 * </pre>
 *
 * where {@code inflight} counts the requests in flight at the release, the released one included (Netflix
 * passes the count taken when the request was admitted, which this SPI does not carry). The increase only
 * happens when the limit is actually being used (at least half of it in flight), so an idle key does not
 * grow its limit without bound.
 *
 * <p>Known weakness: it reacts only to drops and to latency above a fixed timeout, so it lets queues build
 * up to the timeout before backing off (loss-based, like TCP Reno), and oscillates in a saw-tooth around the
 * capacity.
 */
@Strategy(name = "aimd", summary = "adaptive in-flight limit per key: +1 on success, x backoff on drop (Netflix AIMDLimit)",
    characteristics = {RateLimiter.IN_FLIGHT})
public final class AimdLimit extends AdaptiveLimiter<AimdLimit.State> {
  /** Parameters of {@link AimdLimit}; {@code limit} is the initial limit. */
  public static class Settings extends AdaptiveLimiter.Settings {
    @Setting(description = "factor applied to the limit on a drop", min = 0.5, max = 0.999)
    public double backoffRatio = 0.9;

    @Setting(description = "latency in milliseconds above which a release counts as a drop", min = 1,
        max = 86_400_000)
    public long timeoutMillis = 5000;
  }

  static final class State extends AdaptiveState {
    State(long initial) {
      super(initial);
    }
  }

  private final double backoff;
  private final long timeoutNanos;

  public AimdLimit() {
    this(new Settings());
  }

  public AimdLimit(Settings settings) {
    super(settings, State::new);
    this.backoff = settings.backoffRatio;
    this.timeoutNanos = settings.timeoutMillis * 1_000_000L;
  }

  @Override
  void learn(State state, long latencyNanos, boolean dropped) {
    long inflight = state.inflight.get();
    long limit = state.limit;
    if (dropped || latencyNanos > timeoutNanos) {
      limit = (long) (limit * backoff);
    } else if (inflight * 2 >= limit) {
      limit = limit + 1;
    }
    state.limit = Math.min(maxLimit, Math.max(minLimit, limit));
  }
}
