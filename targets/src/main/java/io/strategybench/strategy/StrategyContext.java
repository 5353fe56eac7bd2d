package io.strategybench.strategy;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * What a strategy may take from its surroundings: the time and a source of randomness. The target server
 * passes the system clock and a thread-local generator; a simulator passes its virtual clock and a seeded
 * generator, which makes a whole simulation repeatable.
 *
 * @param clock monotonic time
 * @param random random numbers; safe to call from the threads the strategy is called from
 */
public record StrategyContext(Clock clock, RandomGenerator random) {

  /** Real time and a per-thread generator, for use under concurrent load. */
  public static StrategyContext system() {
    return new StrategyContext(Clock.SYSTEM, ThreadLocalGenerator.INSTANCE);
  }

  /** A given clock and a generator seeded with {@code seed}, for single-threaded, repeatable runs. */
  public static StrategyContext seeded(Clock clock, long seed) {
    return new StrategyContext(clock, new SplittableRandom(seed));
  }

  /** Delegates each call to the calling thread's {@link ThreadLocalRandom}. */
  private enum ThreadLocalGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }
  }
}
