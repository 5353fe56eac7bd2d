package io.strategybench.ratelimit.redis;

import io.strategybench.ratelimit.RateLimiter;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Token bucket in Redis: a hash {@code {c, t}} per client, capacity {@code limit} tokens, refilled at
 * {@code limit} tokens per window, one token per request. Integer arithmetic: the content {@code c} is kept
 * in units of 1/window-microseconds of a token, so one token is {@code window} units, the capacity
 * {@code limit * window} units and the refill exactly {@code limit} units per microsecond; refill is lazy
 * ({@code c = min(cap, c + (now - t) * limit)}). The key is PEXPIRE'd when the bucket would be full again,
 * since a missing key means a full bucket. Hence {@code limit * window-millis * 1000 <= 2^53}, which the
 * settings check, so that Lua's doubles hold every value exactly.
 *
 * <p>Time: {@code time=redis} refills by Redis's TIME, shared by all instances; {@code time=caller} by the
 * caller's clock (a bucket never refills backwards when calls arrive out of order).
 */
@Strategy(name = "redis-token-bucket", summary = "token bucket in a Redis hash, integer refill (one atomic script)",
    characteristics = {RateLimiter.WINDOW_TWICE, RateLimiter.REMOTE_STATE, RateLimiter.TWIN_OF + "token-bucket"})
public final class RedisTokenBucket extends RedisRateLimiter {
  static final long MAX_EXACT = 1L << 53;

  static final String SCRIPT = """
      local k = KEYS[1]
      local cap = limit * window
      local h = redis.call('HMGET', k, 'c', 't')
      local c = tonumber(h[1])
      local t = tonumber(h[2])
      if c == nil or t == nil then
        c = cap
        t = now
      end
      if now > t then
        c = math.min(cap, c + (now - t) * limit)
        t = now
      end
      if c >= window then
        c = c - window
        local reset = math.ceil((cap - c) / limit)
        redis.call('HSET', k, 'c', fmt(c), 't', fmt(t))
        redis.call('PEXPIRE', k, ttl_ms(reset))
        return {1, limit, math.floor(c / window), 0, reset, now}
      end
      return {0, limit, 0, math.ceil((window - c) / limit), math.ceil((cap - c) / limit), now}
      """;

  public RedisTokenBucket() {
    this(new RedisSettings());
  }

  public RedisTokenBucket(RedisSettings settings) {
    this(settings, true);
  }

  RedisTokenBucket(RedisSettings settings, boolean sharedConnection) {
    super(checked(settings), SCRIPT, List.of(), sharedConnection);
  }

  private static RedisSettings checked(RedisSettings settings) {
    if (settings.limit > MAX_EXACT / settings.windowMicros()) {
      throw new InvalidParameterException("limit", "parameter 'limit' of ratelimit strategy 'redis-token-bucket': "
          + "limit x window-millis x 1000 must be at most 2^53 so that Lua computes it exactly; got limit "
          + settings.limit + " with window-millis " + settings.windowMillis);
    }
    return settings;
  }
}
