package io.strategybench.ratelimit;

import io.strategybench.strategy.Setting;

/**
 * The settings of a strategy that keeps each key's state in this JVM: {@link RateSettings} and the bounds of
 * that state, so that clients making up new keys (addresses, API keys, token subjects) cannot grow it without
 * end. The rate-limit stage sets both from {@code --max-keys} and {@code --key-idle-expiry}.
 */
public class LocalRateSettings extends RateSettings {
  @Setting(description = "most keys whose state is kept (per rule); a new key beyond it evicts the least recently"
      + " used ones, which then start over as new keys", min = 1, max = 100_000_000)
  public long maxKeys = PerKey.DEFAULT_MAX_KEYS;

  @Setting(description = "milliseconds a key may go unused before its state is dropped; never less than twice"
      + " window-millis, after which a rate strategy's state is what a new key gets", min = 1, max = 86_400_000L * 365)
  public long keyIdleMillis = PerKey.DEFAULT_IDLE_MILLIS;

  /** The idle time after which a key's state is dropped: the setting, at least twice the window. */
  public long keyIdleNanos() {
    return Math.max(keyIdleMillis, 2 * windowMillis) * 1_000_000L;
  }
}
