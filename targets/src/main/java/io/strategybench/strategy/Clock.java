package io.strategybench.strategy;

/**
 * A source of monotonic time in nanoseconds. Strategies never call {@link System#nanoTime()} themselves:
 * the target server gives them {@link #SYSTEM}, the simulators a virtual clock, so the same code runs on
 * real and on simulated time.
 */
@FunctionalInterface
public interface Clock {
  /** Monotonic time in nanoseconds; only differences are meaningful. */
  long nanoTime();

  /** The JVM's monotonic clock. */
  Clock SYSTEM = System::nanoTime;
}
