package io.strategybench.ratelimit.redis;

import io.lettuce.core.RedisURI;
import io.strategybench.ratelimit.RateSettings;
import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;

/**
 * The parameters of the Redis-backed rate limiters: where Redis is, what to do when it cannot answer, how
 * long to wait for it, whose clock to use, and how keys are named.
 */
public class RedisSettings extends RateSettings {
  /** What a limiter answers when Redis cannot (down, timed out, error). */
  public enum FailurePolicy {
    /** Admit the request: availability over enforcement. */
    OPEN,
    /** Reject the request: enforcement over availability. */
    CLOSED
  }

  /** Whose clock the scripts read. */
  public enum TimeSource {
    /**
     * {@code redis.call('TIME')} inside the script: every gateway instance shares Redis's clock, so windows
     * and buckets agree across instances whatever their own clocks say.
     */
    REDIS,
    /**
     * The caller's {@code nowNanos}, passed as microseconds: a simulator's virtual clock drives the limiter.
     * Instances must share a clock for their decisions to agree. Key TTLs stay Redis milliseconds of real
     * time, so a virtual clock should run at least as fast as real time (a simulator's does), or state may
     * expire before the virtual window ends.
     */
    CALLER
  }

  @Setting(description = "Redis URI (redis://host:port[/db]); connections are shared per URI and timeout within a JVM")
  public String redis = "redis://127.0.0.1:6379";

  @Setting(description = "when Redis cannot answer: open admits the request, closed rejects it")
  public FailurePolicy onFailure = FailurePolicy.OPEN;

  @Setting(description = "milliseconds every Redis call may take before the failure policy applies",
      min = 1, max = 60_000)
  public long timeoutMillis = 100;

  @Setting(description = "clock of the scripts: redis (TIME, shared by all instances) or caller (the strategy's nowNanos)")
  public TimeSource time = TimeSource.REDIS;

  @Setting(description = "prefix of every Redis key; the strategy name and the client key follow it")
  public String keyPrefix = "sb:rl:";

  @Override
  public void validate() {
    if (redis == null || redis.isBlank()) {
      throw new InvalidParameterException("redis", "parameter 'redis' must be a Redis URI like redis://127.0.0.1:6379");
    }
    try {
      RedisURI.create(redis.trim());
    } catch (RuntimeException e) {
      throw new InvalidParameterException("redis", "parameter 'redis': '" + redis
          + "' is not a Redis URI like redis://127.0.0.1:6379 (" + e.getMessage() + ")");
    }
    if (keyPrefix == null) {
      throw new InvalidParameterException("key-prefix", "parameter 'key-prefix' must not be null");
    }
    if (timeoutMillis < 1 || timeoutMillis > 60_000) {
      throw new InvalidParameterException("timeout-millis", "parameter 'timeout-millis' must be in [1, 60000], got "
          + timeoutMillis);
    }
    if (limit < 1) {
      throw new InvalidParameterException("limit", "parameter 'limit' must be at least 1, got " + limit);
    }
    if (windowMillis < 1) {
      throw new InvalidParameterException("window-millis", "parameter 'window-millis' must be at least 1, got "
          + windowMillis);
    }
  }

  /** The window in microseconds, the unit of the scripts. */
  public long windowMicros() {
    return windowMillis * 1000L;
  }
}
