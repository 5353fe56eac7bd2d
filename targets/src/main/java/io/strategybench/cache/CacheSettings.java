package io.strategybench.cache;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategySettings;

/**
 * The parameter every cache policy takes: its capacity, in entries or in bytes (the sum of the weights it
 * keeps). A strategy's own settings class extends this one; the simulator and the cache stage set the capacity
 * for each run.
 */
public class CacheSettings implements StrategySettings {
  @Setting(description = "most weight kept: entries, or bytes when the workload carries sizes", min = 1,
      max = 1L << 50)
  public long capacity = 1000;
}
