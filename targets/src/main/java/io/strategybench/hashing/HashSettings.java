package io.strategybench.hashing;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategySettings;

/** The parameter every consistent-hashing strategy takes: which hash function it runs on. */
public class HashSettings implements StrategySettings {
  @Setting(description = "hash function for keys and nodes")
  public HashFunction hash = HashFunction.XXHASH64;
}
