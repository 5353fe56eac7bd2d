package io.strategybench.ratelimit.redis;

import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Sliding log in Redis, exact: a sorted set per client holding the time of every admitted request. Each
 * call drops entries at or before {@code now - window} (ZREMRANGEBYSCORE), counts the rest (ZCARD) and, if
 * fewer than {@code limit}, adds {@code now} with a unique member (ZADD NX) and PEXPIREs the set when its
 * newest entry leaves the window. So at most {@code limit} requests are admitted in any window
 * {@code (t - window, t]}, across all gateway instances. Memory grows with the limit: one entry per
 * admitted request in the window.
 *
 * <p>A rejected request learns when the oldest entry that blocks it leaves the window (retry-after) and
 * when the newest does (reset).
 *
 * <p>Time: {@code time=redis} stamps entries with Redis's TIME, one clock for every instance;
 * {@code time=caller} with the caller's clock (arrivals are expected in time order).
 */
@Strategy(name = "redis-sliding-log", summary = "exact sliding log in a Redis sorted set (one atomic script)",
    characteristics = {RateLimiter.WINDOW_EXACT, RateLimiter.SLIDING_LOG, RateLimiter.REMOTE_STATE, RateLimiter.TWIN_OF + "sliding-log"})
public final class RedisSlidingLog extends RedisRateLimiter {
  static final String SCRIPT = """
      local k = KEYS[1]
      redis.call('ZREMRANGEBYSCORE', k, '-inf', fmt(now - window))
      local n = redis.call('ZCARD', k)
      if n < limit then
        local i = n
        while redis.call('ZADD', k, 'NX', fmt(now), fmt(now) .. ':' .. i) == 0 do
          i = i + 1
        end
        local newest = tonumber(redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')[2])
        local reset = newest + window - now
        redis.call('PEXPIRE', k, ttl_ms(reset))
        return {1, limit, limit - n - 1, 0, reset, now}
      end
      local blocking = redis.call('ZRANGE', k, n - limit, n - limit, 'WITHSCORES')
      local retry = math.max(1, tonumber(blocking[2]) + window - now)
      local newest = tonumber(redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')[2])
      return {0, limit, 0, retry, math.max(0, newest + window - now), now}
      """;

  public RedisSlidingLog() {
    this(new RedisSettings());
  }

  public RedisSlidingLog(RedisSettings settings) {
    this(settings, true);
  }

  RedisSlidingLog(RedisSettings settings, boolean sharedConnection) {
    super(settings, SCRIPT, List.of(), sharedConnection);
  }
}
