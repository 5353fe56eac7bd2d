package io.strategybench.ratelimit;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generic cell rate algorithm with the exact semantics of redis-cell's
 * {@code CL.THROTTLE key max_burst count_per_period period 1} (github.com/brandur/redis-cell,
 * {@code src/cell/mod.rs}, {@code RateLimiter::rate_limit}), with {@code count_per_period = limit},
 * {@code period = window-millis} and {@code max_burst = burst}.
 *
 * <p>The emission interval is {@code T = (long) (period_ns / (double) count)} (redis-cell's
 * {@code Rate::per_period}), the delay variation tolerance {@code DVT = T x (max_burst + 1)}, the reported
 * limit {@code max_burst + 1}. Per key one theoretical arrival time {@code tat} (a new key has
 * {@code tat = now}):
 *
 * <pre>
 *   new_tat  = max(tat, now) + T
 *   allow_at = new_tat - DVT;  diff = now - allow_at
 *   diff &lt; 0:  limited, retry_after = -diff, ttl = tat - now
 *   otherwise: admitted, tat = new_tat (compare-and-set), ttl = new_tat - now
 *   remaining = DVT - ttl &gt; -T ? (long) ((DVT - ttl) / T) : 0;  reset_after = ttl
 * </pre>
 *
 * redis-cell divides microseconds as doubles for {@code remaining}; here nanoseconds are divided as
 * integers (truncation toward zero either way, which differs only below a microsecond). {@code burst = -1}
 * (the default) means {@code limit - 1}, so a fresh key may send its whole {@code limit} at once.
 *
 * <p>Known weakness: as a token bucket, it admits {@code (burst + 1) + t / T} requests in any interval
 * {@code t}; and because {@code T} is truncated to whole nanoseconds the long-run rate can be marginally
 * above {@code limit / window} when {@code limit} does not divide the window.
 */
@Strategy(name = "gcra", summary = "generic cell rate algorithm with redis-cell's CL.THROTTLE semantics",
    characteristics = {RateLimiter.WINDOW_TWICE})
public final class Gcra implements RateLimiter {
  /** Parameters of {@link Gcra}. */
  public static class Settings extends LocalRateSettings {
    @Setting(description = "max_burst of CL.THROTTLE: requests beyond the steady rate a fresh key may send "
        + "(-1 means limit - 1)", min = -1, max = 1_000_000_000)
    public long burst = -1;

    /** The effective max_burst. */
    long maxBurst() {
      return burst == -1 ? limit - 1 : burst;
    }

    /** redis-cell's emission interval: period / count, as a double truncated to whole nanoseconds. */
    long emissionInterval() {
      return (long) (windowNanos() / (double) limit);
    }

    @Override
    public void validate() {
      if (emissionInterval() < 1) {
        throw new InvalidParameterException("limit", "limit " + limit + " per " + windowMillis
            + " ms is more than one request per nanosecond");
      }
      if (Math.multiplyHigh(emissionInterval(), maxBurst() + 1) != 0
          || emissionInterval() * (maxBurst() + 1) > Long.MAX_VALUE / 4) {
        throw new InvalidParameterException("burst", "burst " + burst + " times the emission interval "
            + emissionInterval() + " ns overflows; lower burst or window-millis");
      }
    }
  }

  private final long limit;
  private final long interval;
  private final long tolerance;
  private final PerKey<AtomicLong> states;

  public Gcra() {
    this(new Settings());
  }

  public Gcra(Settings settings) {
    settings.validate();
    this.interval = settings.emissionInterval();
    this.limit = settings.maxBurst() + 1;
    this.tolerance = interval * limit;
    // idle for the tolerance, a key's state is a new key's: expire no sooner
    this.states = new PerKey<>((int) Math.min(Integer.MAX_VALUE, settings.maxKeys),
        Math.max(settings.keyIdleNanos(), tolerance), s -> false);
  }

  @Override
  public Decision acquire(String key, long nowNanos) {
    AtomicLong state = states.getOrCreate(key, nowNanos, AtomicLong::new);
    while (true) {
      long tat = state.get();
      long newTat = (nowNanos - tat > 0 ? nowNanos : tat) + interval;
      long diff = nowNanos - (newTat - tolerance);
      if (diff < 0) {
        long ttl = tat - nowNanos;
        return new Decision(false, limit, remaining(ttl), -diff, Math.max(0, ttl), 0);
      }
      if (state.compareAndSet(tat, newTat)) {
        long ttl = newTat - nowNanos;
        return Decision.admit(limit, remaining(ttl), ttl);
      }
    }
  }

  private long remaining(long ttl) {
    long next = tolerance - ttl;
    return next > -interval ? next / interval : 0;
  }

  @Override
  public java.util.Map<String, Object> stats() {
    return states.stats();
  }
}
