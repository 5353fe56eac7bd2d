package io.strategybench.ratelimit.redis;

import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Fixed window in Redis: one counter per client and window, {@code KEYS[1] + ":" + floor(now / window)},
 * INCR'd by each admitted request and PEXPIRE'd at the end of its window (window-aligned). A request is
 * admitted iff fewer than {@code limit} were admitted in its window; rejected ones do not count. At most
 * {@code limit} per aligned window, exactly, whatever the number of gateway instances; up to twice that
 * across a window boundary.
 *
 * <p>Time: with {@code time=redis} the window number comes from Redis's TIME, so all instances agree on the
 * window boundaries; with {@code time=caller} from the caller's clock (TTLs are still Redis milliseconds).
 */
@Strategy(name = "redis-fixed-window", summary = "fixed window counter in Redis (INCR + PEXPIRE, one atomic script)",
    characteristics = {RateLimiter.WINDOW_TWICE, RateLimiter.REMOTE_STATE, RateLimiter.TWIN_OF + "fixed-window"})
public final class RedisFixedWindow extends RedisRateLimiter {
  static final String SCRIPT = """
      local win = floordiv(now, window)
      local reset = (win + 1) * window - now
      local k = KEYS[1] .. ':' .. fmt(win)
      local count = tonumber(redis.call('GET', k) or '0')
      if count >= limit then
        return {0, limit, 0, reset, reset, now}
      end
      count = redis.call('INCR', k)
      if count == 1 then
        redis.call('PEXPIRE', k, ttl_ms(reset))
      end
      return {1, limit, limit - count, 0, reset, now}
      """;

  public RedisFixedWindow() {
    this(new RedisSettings());
  }

  public RedisFixedWindow(RedisSettings settings) {
    this(settings, true);
  }

  RedisFixedWindow(RedisSettings settings, boolean sharedConnection) {
    super(settings, SCRIPT, List.of(), sharedConnection);
  }

  @Override
  boolean windowedKeys() {
    return true;
  }
}
