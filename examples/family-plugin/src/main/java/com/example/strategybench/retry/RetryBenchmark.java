package com.example.strategybench.retry;

import io.strategybench.family.FamilyModules;
import io.strategybench.run.JmhDefaults;
import io.strategybench.strategy.StrategyContext;
import java.util.Map;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** JMH: one wait computed by a retry policy, over retries 1 to 10 in turn. */
@State(Scope.Thread)
public class RetryBenchmark extends JmhDefaults {
  @Param({"full-jitter"})
  public String strategy;

  private RetryPolicy policy;
  private SplittableRandom random;
  private int retry;
  private long previous;

  @Setup
  public void setup() {
    policy = FamilyModules.fromHome().registry().strategy(RetryPolicy.FAMILY, strategy)
        .create(Map.of(), StrategyContext.system());
    random = new SplittableRandom(1);
  }

  @Benchmark
  public long delay() {
    retry = retry % 10 + 1;
    long wait = policy.delayMicros(retry, previous, random);
    previous = wait < 0 ? 0 : wait;
    return wait;
  }
}
