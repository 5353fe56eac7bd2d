package io.strategybench.ratelimit.redis;

import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Sliding window counter in Redis (the approximation Cloudflare describes): a counter per client and
 * aligned window, {@code KEYS[1] + ":" + floor(now / window)}, kept for two windows. The count over the last
 * window is estimated as {@code prev * (1 - elapsed / window) + curr}, assuming the previous window's
 * requests were spread evenly, and a request is admitted iff {@code estimate + 1 <= limit}. Two small
 * counters per client, whatever the limit; the estimate can be off when traffic is bursty.
 *
 * <p>Time: {@code time=redis} reads Redis's TIME, so all instances agree on windows and on the elapsed
 * fraction; {@code time=caller} uses the caller's clock.
 */
@Strategy(name = "redis-sliding-window-counter",
    summary = "sliding window counter in Redis: weighted previous + current window (one atomic script)",
    characteristics = {RateLimiter.REMOTE_STATE, RateLimiter.TWIN_OF + "sliding-window-counter"})
public final class RedisSlidingWindowCounter extends RedisRateLimiter {
  static final String SCRIPT = """
      local win = floordiv(now, window)
      local elapsed = now - win * window
      local ck = KEYS[1] .. ':' .. fmt(win)
      local pk = KEYS[1] .. ':' .. fmt(win - 1)
      local curr = tonumber(redis.call('GET', ck) or '0')
      local prev = tonumber(redis.call('GET', pk) or '0')
      local est = prev * (window - elapsed) / window + curr
      if est + 1 <= limit then
        curr = redis.call('INCR', ck)
        if curr == 1 then
          redis.call('PEXPIRE', ck, ttl_ms(2 * window - elapsed))
        end
        return {1, limit, math.floor(limit - (est + 1)), 0, 2 * window - elapsed, now}
      end
      local retry
      if curr + 1 <= limit and prev > 0 then
        retry = math.ceil(window - (limit - 1 - curr) * window / prev) - elapsed
      else
        local e = 0
        if curr > 0 then
          e = math.max(0, math.ceil(window - (limit - 1) * window / curr))
        end
        retry = window - elapsed + e
      end
      local reset = window - elapsed
      if curr > 0 then
        reset = 2 * window - elapsed
      end
      return {0, limit, 0, math.max(1, retry), reset, now}
      """;

  public RedisSlidingWindowCounter() {
    this(new RedisSettings());
  }

  public RedisSlidingWindowCounter(RedisSettings settings) {
    this(settings, true);
  }

  RedisSlidingWindowCounter(RedisSettings settings, boolean sharedConnection) {
    super(settings, SCRIPT, List.of(), sharedConnection);
  }

  @Override
  boolean windowedKeys() {
    return true;
  }

  @Override
  int windowsKept() {
    return 2;
  }
}
