package io.strategybench.ratelimit;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.Map;

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
@Strategy(name = "aimd", summary = "adaptive in-flight limit per key: +1 on success, x backoff on drop (Netflix AIMDLimit)")
public final class AimdLimit implements RateLimiter {
  /** Parameters of {@link AimdLimit}; {@code limit} is the initial limit. */
  public static class Settings extends RateSettings {
    @Setting(description = "lowest in-flight limit", min = 1, max = 1_000_000_000)
    public long minLimit = 1;

    @Setting(description = "highest in-flight limit", min = 1, max = 1_000_000_000)
    public long maxLimit = 1000;

    @Setting(description = "factor applied to the limit on a drop", min = 0.5, max = 0.999)
    public double backoffRatio = 0.9;

    @Setting(description = "latency in milliseconds above which a release counts as a drop", min = 1,
        max = 86_400_000)
    public long timeoutMillis = 5000;

    @Override
    public void validate() {
      if (minLimit > maxLimit) {
        throw new InvalidParameterException("min-limit", "min-limit " + minLimit + " exceeds max-limit " + maxLimit);
      }
      if (limit < minLimit || limit > maxLimit) {
        throw new InvalidParameterException("limit", "the initial limit " + limit + " must be in [min-limit "
            + minLimit + ", max-limit " + maxLimit + "]");
      }
    }
  }

  private static final class State extends AdaptiveState {
    State(long initial) {
      super(initial);
    }
  }

  private final long initial;
  private final long minLimit;
  private final long maxLimit;
  private final double backoff;
  private final long timeoutNanos;
  private final PerKey<State> states = new PerKey<>();
  /** Created once: a capturing lambda at every call would allocate on the hot path. */
  private final java.util.function.LongFunction<State> newState;

  public AimdLimit() {
    this(new Settings());
  }

  public AimdLimit(Settings settings) {
    settings.validate();
    this.initial = settings.limit;
    this.newState = now -> new State(initial);
    this.minLimit = settings.minLimit;
    this.maxLimit = settings.maxLimit;
    this.backoff = settings.backoffRatio;
    this.timeoutNanos = settings.timeoutMillis * 1_000_000L;
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    State state = states.getOrCreate(key, nowNanos, newState);
    return state.acquire();
  }

  @Override
  public void release(String key, long nowNanos, long latencyNanos, boolean dropped) {
    State state = states.get(key);
    if (state == null) {
      return;
    }
    synchronized (state) {
      long inflight = state.inflight.get();
      long limit = state.limit;
      if (dropped || latencyNanos > timeoutNanos) {
        limit = (long) (limit * backoff);
      } else if (inflight * 2 >= limit) {
        limit = limit + 1;
      }
      state.limit = Math.min(maxLimit, Math.max(minLimit, limit));
      state.leave();
    }
  }

  /** Frees the slot without learning: the request never reached the service. */
  @Override
  public void cancel(String key, long nowNanos) {
    State state = states.get(key);
    if (state != null) {
      synchronized (state) {
        state.leave();
      }
    }
  }

  @Override
  public boolean needsRelease() {
    return true;
  }

  /** The current limit of {@code key} (the initial limit for a key never seen). */
  long limitOf(String key) {
    State state = states.get(key);
    return state == null ? initial : state.limit;
  }

  @Override
  public Map<String, Object> stats() {
    return AdaptiveState.stats(states.values());
  }
}
