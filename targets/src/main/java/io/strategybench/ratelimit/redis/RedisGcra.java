package io.strategybench.ratelimit.redis;

import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * The generic cell rate algorithm in Redis, with the semantics of redis-cell's {@code CL.THROTTLE key
 * max_burst count period 1}: one value per client, its theoretical arrival time (TAT). The emission interval
 * is {@code T = window / limit} (integer microseconds, at least 1), the delay variation tolerance
 * {@code DVT = T * (burst + 1)}. A request at {@code now} gives {@code new_tat = max(tat, now) + T}; it is
 * admitted iff {@code new_tat - DVT <= now}, and then {@code tat = new_tat} is stored with a TTL of
 * {@code new_tat - now}. The answer is redis-cell's: limit {@code burst + 1}, remaining
 * {@code floor((DVT - ttl) / T)}, retry-after {@code new_tat - DVT - now} when limited (0 when admitted;
 * redis-cell says -1), reset-after the TTL. Sustained rate {@code limit} per window, bursts of
 * {@code burst + 1}; constant memory per client.
 *
 * <p>Time: {@code time=redis} takes {@code now} from Redis's TIME, so every gateway instance works on one
 * clock (as redis-cell does); {@code time=caller} from the caller's clock.
 */
@Strategy(name = "redis-gcra", summary = "GCRA in Redis with redis-cell CL.THROTTLE semantics (one atomic script)",
    characteristics = {RateLimiter.WINDOW_TWICE, RateLimiter.REMOTE_STATE, RateLimiter.TWIN_OF + "gcra"})
public final class RedisGcra extends RedisRateLimiter {
  /** Parameters of {@link RedisGcra}. */
  public static class Settings extends RedisSettings {
    @Setting(description = "requests allowed in a burst beyond the first (redis-cell max_burst); -1 means limit - 1",
        min = -1, max = 1_000_000_000)
    public long burst = -1;

    /** The burst in effect: {@code limit - 1} when not set. */
    public long effectiveBurst() {
      return burst < 0 ? limit - 1 : burst;
    }

    /** The emission interval in whole microseconds, at least 1. */
    public long emissionIntervalMicros() {
      return Math.max(1, windowMicros() / limit);
    }
  }

  static final String SCRIPT = """
      local k = KEYS[1]
      local T = tonumber(ARGV[4])
      local burst = tonumber(ARGV[5])
      local dvt = T * (burst + 1)
      local tat = tonumber(redis.call('GET', k) or '')
      if tat == nil then
        tat = now
      end
      local new_tat
      if now > tat then
        new_tat = now + T
      else
        new_tat = tat + T
      end
      local diff = now - (new_tat - dvt)
      local admitted, retry, ttl
      if diff < 0 then
        admitted = 0
        retry = -diff
        ttl = tat - now
      else
        admitted = 1
        retry = 0
        ttl = new_tat - now
        redis.call('SET', k, fmt(new_tat), 'PX', ttl_ms(ttl))
      end
      local nxt = dvt - ttl
      local remaining = 0
      if nxt > 0 then
        remaining = math.floor(nxt / T)
      end
      return {admitted, burst + 1, remaining, retry, ttl, now}
      """;

  private final long burst;

  public RedisGcra() {
    this(new Settings());
  }

  public RedisGcra(Settings settings) {
    this(settings, true);
  }

  RedisGcra(Settings settings, boolean sharedConnection) {
    super(settings, SCRIPT, List.of(Long.toString(settings.emissionIntervalMicros()),
        Long.toString(settings.effectiveBurst())), sharedConnection);
    this.burst = settings.effectiveBurst();
  }

  @Override
  long headerLimit() {
    return burst + 1;
  }
}
