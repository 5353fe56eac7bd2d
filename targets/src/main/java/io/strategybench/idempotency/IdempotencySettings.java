package io.strategybench.idempotency;

import io.strategybench.strategy.InvalidParameterException;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategySettings;

/** What every store takes: how long a stored result is kept and how long an attempt may hold its key. */
public class IdempotencySettings implements StrategySettings {
  @Setting(description = "seconds a stored response is kept and replayed (the draft's expiry; Stripe keeps 24 h)",
      min = 1, max = 86_400L * 365)
  public long ttlSeconds = 86_400;

  @Setting(description = "milliseconds an attempt holds its key before another may take it (a lock's TTL, a"
      + " recovery point's locked_at timeout); shorter than the processing time lets two attempts run at once",
      min = 1, max = 86_400_000L)
  public long lockTtlMillis = 10_000;

  @Override
  public void validate() {
    if (lockTtlMillis > ttlSeconds * 1000) {
      throw new InvalidParameterException("lock-ttl-millis", "parameter 'lock-ttl-millis' (" + lockTtlMillis
          + ") must not exceed ttl-seconds (" + ttlSeconds + " s): a key would be locked past its expiry");
    }
  }
}
