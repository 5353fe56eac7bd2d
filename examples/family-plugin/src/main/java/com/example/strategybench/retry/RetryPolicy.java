package com.example.strategybench.retry;

import io.strategybench.strategy.Family;
import java.util.SplittableRandom;

/**
 * How long a client waits before it tries a failed call again, and when it gives up: the retry policies of the AWS
 * Architecture Blog's "Exponential Backoff and Jitter" (Marc Brooker, 2015). A new family, brought whole by this
 * plugin: StrategyBench knows nothing of it until the jar is in {@code plugins/}.
 *
 * <p>Every policy takes a {@link RetrySettings}: {@code base-millis}, {@code cap-millis} and {@code max-retries}.
 */
public interface RetryPolicy {
  /** The retry family. */
  Family<RetryPolicy> FAMILY = new Family<>("retry", RetryPolicy.class, "Retry policies",
      "how long a client waits before it tries a failed call again");

  /**
   * The wait before retry number {@code retry} (1 for the first retry), in microseconds, or -1 to give up.
   *
   * @param previousMicros the wait before the previous retry (0 before the first)
   * @param random the caller's random numbers (jitter), so that runs are reproducible
   */
  long delayMicros(int retry, long previousMicros, SplittableRandom random);
}
