package io.strategybench.lb;

import io.strategybench.strategy.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend as its owner sees it: the {@link Backend} a strategy reads, plus in-flight accounting, health
 * (passive ejection and the verdict of active probes) and counters. The target server and the simulator
 * both keep their backends in this class, so both apply the same health rules.
 *
 * <p>Thread-safe: counters are atomic; the passive-health streak is guarded by this object's monitor.
 */
public class TrackedBackend implements Backend {
  private final String name;
  private final int weight;
  private final HealthPolicy policy;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();

  private volatile boolean ejected;
  private volatile long ejectedUntil;
  private volatile boolean probedDown;
  private int consecutiveFailures;
  private int probeStreak; // > 0: good probes in a row, < 0: failed probes in a row

  private final LongAdder dispatched = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder ejections = new LongAdder();
  private final LongAdder ejectionsRefused = new LongAdder();
  private final LongAdder dispatchedWhileUnavailable = new LongAdder();
  private final LongAdder dispatchedInPanic = new LongAdder();

  public TrackedBackend(String name, int weight, HealthPolicy policy, Clock clock) {
    if (weight < 1) {
      throw new IllegalArgumentException("backend " + name + ": weight must be at least 1, got " + weight);
    }
    this.name = name;
    this.weight = weight;
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public boolean isAvailable() {
    if (probedDown) {
      return false;
    }
    if (ejected) {
      if (clock.nanoTime() - ejectedUntil < 0) {
        return false;
      }
      ejected = false;
    }
    return true;
  }

  /** Whether a passive ejection is in force now. */
  public boolean isEjected() {
    return ejected && clock.nanoTime() - ejectedUntil < 0;
  }

  /** Whether active probes have marked it down. */
  public boolean isProbedDown() {
    return probedDown;
  }

  /** Counts a request sent to this backend; call before sending. */
  public void dispatched() {
    dispatched(false);
  }

  /**
   * Counts a request sent to this backend; call before sending. In panic (too few backends available, health set
   * aside on purpose) a request to an unavailable backend is counted as such, not as a health rule broken.
   */
  public void dispatched(boolean panic) {
    dispatched.increment();
    if (!isAvailable()) {
      (panic ? dispatchedInPanic : dispatchedWhileUnavailable).increment();
    }
    int now = inFlight.incrementAndGet();
    int peak;
    while (now > (peak = peakInFlight.get())) {
      if (peakInFlight.compareAndSet(peak, now)) {
        break;
      }
    }
  }

  /**
   * Counts the end of a request sent to this backend, successful or not, and applies passive health.
   *
   * @return true if this failure ejected the backend
   */
  public boolean finished(boolean success) {
    return finished(success, () -> true);
  }

  /**
   * As {@link #finished(boolean)}, but a failure that would eject the backend does so only if {@code mayEject}
   * says one more backend may be out (the pool's maximum ejection share); otherwise it is counted in
   * {@link #ejectionsRefused()} and the backend stays in.
   */
  public boolean finished(boolean success, java.util.function.BooleanSupplier mayEject) {
    inFlight.decrementAndGet();
    completed.increment();
    if (success) {
      synchronized (this) {
        consecutiveFailures = 0;
      }
      return false;
    }
    failures.increment();
    if (!policy.passive()) {
      return false;
    }
    synchronized (this) {
      if (++consecutiveFailures < policy.maxFails()) {
        return false;
      }
      consecutiveFailures = 0;
      if (!mayEject.getAsBoolean()) {
        ejectionsRefused.increment();
        return false;
      }
      ejectedUntil = clock.nanoTime() + policy.ejectNanos();
      ejected = true;
    }
    ejections.increment();
    return true;
  }

  /**
   * Applies the result of an active probe.
   *
   * @return true if this probe changed the verdict (down to up or up to down)
   */
  public synchronized boolean probed(boolean healthy) {
    probeStreak = healthy ? Math.max(probeStreak, 0) + 1 : Math.min(probeStreak, 0) - 1;
    if (probedDown && probeStreak >= policy.rise()) {
      probedDown = false;
      consecutiveFailures = 0;
      ejected = false;
      return true;
    }
    if (!probedDown && -probeStreak >= policy.fall()) {
      probedDown = true;
      return true;
    }
    return false;
  }

  /** {@code up}, {@code ejected} (passive) or {@code down} (active probes). */
  public String state() {
    if (probedDown) {
      return "down";
    }
    return isEjected() ? "ejected" : "up";
  }

  public long dispatchedCount() {
    return dispatched.sum();
  }

  public long completedCount() {
    return completed.sum();
  }

  public long failureCount() {
    return failures.sum();
  }

  /** Failures that would have ejected it had the pool's maximum ejection share allowed. */
  public long ejectionsRefused() {
    return ejectionsRefused.sum();
  }

  public long ejectionCount() {
    return ejections.sum();
  }

  /** Requests sent while health said no: a correctness counter that must stay 0. */
  public long dispatchedWhileUnavailableCount() {
    return dispatchedWhileUnavailable.sum();
  }

  /** Requests sent to it while unavailable because the pool was in panic. */
  public long dispatchedInPanicCount() {
    return dispatchedInPanic.sum();
  }

  /** Most requests in flight at once since the last reset. */
  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** Zeroes the counters (not the health state, not the requests in flight). */
  public void resetCounters() {
    dispatched.reset();
    completed.reset();
    failures.reset();
    ejections.reset();
    ejectionsRefused.reset();
    dispatchedWhileUnavailable.reset();
    dispatchedInPanic.reset();
    peakInFlight.set(inFlight.get());
  }

  @Override
  public String toString() {
    return name;
  }
}
