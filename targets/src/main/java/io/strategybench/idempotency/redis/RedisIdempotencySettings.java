package io.strategybench.idempotency.redis;

import io.lettuce.core.RedisURI;
import io.strategybench.idempotency.IdempotencySettings;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;

/** The parameters of the Redis stores: where Redis is, how long a call may take, how their keys are named. */
public class RedisIdempotencySettings extends IdempotencySettings {
  @Setting(description = "Redis URI (redis://host:port[/db]) that every instance of the target shares")
  public String url = "redis://127.0.0.1:6379";

  @Setting(description = "milliseconds every Redis call may take before the attempt fails (503)", min = 1,
      max = 60_000)
  public long timeoutMillis = 100;

  @Setting(description = "prefix of every Redis key; the strategy name and the idempotency key follow it")
  public String keyPrefix = "sb:idem:";

  @Override
  public void validate() {
    if (url == null || url.isBlank()) {
      throw new InvalidParameterException("url", "parameter 'url' must be a Redis URI like redis://127.0.0.1:6379");
    }
    try {
      RedisURI.create(url.trim());
    } catch (RuntimeException e) {
      throw new InvalidParameterException("url", "parameter 'url': '" + url
          + "' is not a Redis URI like redis://127.0.0.1:6379 (" + e.getMessage() + ")");
    }
    if (timeoutMillis < 1 || timeoutMillis > 60_000) {
      throw new InvalidParameterException("timeout-millis", "parameter 'timeout-millis' must be in [1, 60000], got "
          + timeoutMillis);
    }
    if (lockTtlMillis < 1) {
      throw new InvalidParameterException("lock-ttl-millis", "parameter 'lock-ttl-millis' must be at least 1, got "
          + lockTtlMillis);
    }
    if (ttlSeconds < 1) {
      throw new InvalidParameterException("ttl-seconds", "parameter 'ttl-seconds' must be at least 1, got "
          + ttlSeconds);
    }
    if (keyPrefix == null) {
      throw new InvalidParameterException("key-prefix", "parameter 'key-prefix' must not be null");
    }
    super.validate();
  }

  /** The URI as given, trimmed. */
  public String uri() {
    return url.trim();
  }
}
