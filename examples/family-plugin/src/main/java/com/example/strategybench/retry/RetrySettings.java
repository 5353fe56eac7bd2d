package com.example.strategybench.retry;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategySettings;

/** The parameters every retry policy takes. */
public class RetrySettings implements StrategySettings {
  @Setting(description = "the first wait, in milliseconds (the article's base)", min = 0.001, max = 60_000)
  public double baseMillis = 5;

  @Setting(description = "the longest wait, in milliseconds (the article's cap)", min = 0.001, max = 600_000)
  public double capMillis = 1000;

  @Setting(description = "retries before the client gives up", min = 0, max = 1000)
  public int maxRetries = 10;

  long baseMicros() {
    return Math.round(baseMillis * 1000);
  }

  long capMicros() {
    return Math.round(capMillis * 1000);
  }

  /** min(cap, base x 2^retry), the exponential backoff the jittered policies draw under. */
  long exponential(int retry) {
    double value = baseMillis * 1000 * Math.pow(2, Math.min(retry, 62));
    return (long) Math.min(capMicros(), value);
  }
}
