package io.strategybench.strategy;

/**
 * A clock that moves only when told to: the virtual time of the simulators and of tests.
 * Not thread-safe; a simulation runs on one thread.
 */
public final class ManualClock implements Clock {
  private long now;

  public ManualClock() {
    this(0);
  }

  public ManualClock(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Moves the clock to {@code nanos}; time never goes backwards. */
  public void set(long nanos) {
    if (nanos < now) {
      throw new IllegalArgumentException("time cannot go backwards: " + nanos + " < " + now);
    }
    now = nanos;
  }

  public void advance(long nanos) {
    set(now + nanos);
  }
}
