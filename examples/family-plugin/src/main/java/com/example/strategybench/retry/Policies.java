package com.example.strategybench.retry;

import io.strategybench.strategy.Strategy;
import java.util.SplittableRandom;

/** The five policies of "Exponential Backoff and Jitter", each a strategy of the retry family. */
public final class Policies {
  private Policies() {}

  /** Gives up at the first failure. */
  @Strategy(name = "none", summary = "no retry: a failed call fails (example family plugin)")
  public static final class NoRetry implements RetryPolicy {
    public NoRetry() {}

    @Override
    public long delayMicros(int retry, long previousMicros, SplittableRandom random) {
      return -1;
    }
  }

  /** Waits {@code base} before every retry. */
  @Strategy(name = "fixed", summary = "wait base before each retry (example family plugin)")
  public static final class Fixed implements RetryPolicy {
    private final RetrySettings settings;

    public Fixed() {
      this(new RetrySettings());
    }

    public Fixed(RetrySettings settings) {
      this.settings = settings;
    }

    @Override
    public long delayMicros(int retry, long previousMicros, SplittableRandom random) {
      return retry > settings.maxRetries ? -1 : Math.min(settings.baseMicros(), settings.capMicros());
    }
  }

  /** sleep = min(cap, base x 2^attempt): every client that failed together retries together. */
  @Strategy(name = "exponential", summary = "min(cap, base x 2^attempt), no jitter (example family plugin)")
  public static final class Exponential implements RetryPolicy {
    private final RetrySettings settings;

    public Exponential() {
      this(new RetrySettings());
    }

    public Exponential(RetrySettings settings) {
      this.settings = settings;
    }

    @Override
    public long delayMicros(int retry, long previousMicros, SplittableRandom random) {
      return retry > settings.maxRetries ? -1 : settings.exponential(retry - 1);
    }
  }

  /** sleep = random_between(0, min(cap, base x 2^attempt)). */
  @Strategy(name = "full-jitter", summary = "random(0, min(cap, base x 2^attempt)) (example family plugin)")
  public static final class FullJitter implements RetryPolicy {
    private final RetrySettings settings;

    public FullJitter() {
      this(new RetrySettings());
    }

    public FullJitter(RetrySettings settings) {
      this.settings = settings;
    }

    @Override
    public long delayMicros(int retry, long previousMicros, SplittableRandom random) {
      if (retry > settings.maxRetries) {
        return -1;
      }
      return random.nextLong(settings.exponential(retry - 1) + 1);
    }
  }

  /** sleep = min(cap, random_between(base, sleep x 3)). */
  @Strategy(name = "decorrelated-jitter", summary = "min(cap, random(base, previous x 3)) (example family plugin)")
  public static final class DecorrelatedJitter implements RetryPolicy {
    private final RetrySettings settings;

    public DecorrelatedJitter() {
      this(new RetrySettings());
    }

    public DecorrelatedJitter(RetrySettings settings) {
      this.settings = settings;
    }

    @Override
    public long delayMicros(int retry, long previousMicros, SplittableRandom random) {
      if (retry > settings.maxRetries) {
        return -1;
      }
      long base = settings.baseMicros();
      long previous = Math.max(base, previousMicros);
      long upper = Math.max(base, previous * 3);
      return Math.min(settings.capMicros(), base + random.nextLong(upper - base + 1));
    }
  }
}
