package io.strategybench.ratelimit;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategySettings;

/**
 * The parameters every rate limiter takes: {@code limit} requests per {@code window-millis}. A strategy's
 * own settings class extends this one. Rules of the rate-limit stage set these two per route and plan.
 */
public class RateSettings implements StrategySettings {
  @Setting(description = "requests admitted per window (the bucket capacity, the in-flight limit of a concurrency limiter)",
      min = 1, max = 1_000_000_000)
  public long limit = 100;

  @Setting(description = "length of the window in milliseconds (the period over which limit requests are admitted)",
      min = 1, max = 86_400_000)
  public long windowMillis = 1000;

  /** The window in nanoseconds. */
  public long windowNanos() {
    return windowMillis * 1_000_000L;
  }

}
