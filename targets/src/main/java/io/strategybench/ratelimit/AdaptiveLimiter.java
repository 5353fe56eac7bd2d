package io.strategybench.ratelimit;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * What the adaptive concurrency limiters share: per key, requests in flight under a limit that the algorithm
 * moves on every release ({@link #learn}), within [{@code min-limit}, {@code max-limit}], starting at
 * {@code limit}. A cancelled request frees its slot without teaching anything.
 *
 * @param <S> the per-key state, with whatever the algorithm remembers besides the limit
 */
abstract class AdaptiveLimiter<S extends AdaptiveState> implements RateLimiter {
  /** The parameters every adaptive limiter takes; {@code limit} is the initial limit. */
  public static class Settings extends LocalRateSettings {
    @Setting(description = "lowest in-flight limit", min = 1, max = 1_000_000_000)
    public long minLimit = 1;

    @Setting(description = "highest in-flight limit", min = 1, max = 1_000_000_000)
    public long maxLimit = 1000;

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

  final long initial;
  final long minLimit;
  final long maxLimit;
  private final PerKey<S> states;
  /** Created once: a capturing lambda at every call would allocate on the hot path. */
  private final LongFunction<S> newState;

  /** @param create the state of a new key, from the initial limit */
  AdaptiveLimiter(Settings settings, LongFunction<S> create) {
    settings.validate();
    long start = settings.limit;
    this.initial = start;
    this.minLimit = settings.minLimit;
    this.maxLimit = settings.maxLimit;
    this.states = new PerKey<>(settings, s -> s.inflight.get() > 0); // a key with requests in flight stays
    this.newState = now -> create.apply(start);
  }

  /** Moves the limit of {@code state} for a request that ended; runs under the state's lock, before it leaves. */
  abstract void learn(S state, long latencyNanos, boolean dropped);

  @Override
  public Decision acquire(String key, long nowNanos) {
    return states.getOrCreate(key, nowNanos, newState).acquire();
  }

  @Override
  public void release(String key, long nowNanos, long latencyNanos, boolean dropped) {
    S state = states.get(key);
    if (state == null) {
      return;
    }
    synchronized (state) {
      learn(state, latencyNanos, dropped);
      state.leave();
    }
  }

  /** Frees the slot without learning: the request never reached the service. */
  @Override
  public void cancel(String key, long nowNanos) {
    S state = states.get(key);
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
    S state = states.get(key);
    return state == null ? initial : state.limit;
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> out = new java.util.LinkedHashMap<>(AdaptiveState.stats(states.values()));
    out.putAll(states.stats());
    return out;
  }
}
