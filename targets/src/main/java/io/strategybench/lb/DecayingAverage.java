package io.strategybench.lb;

/**
 * An exponentially weighted moving average over time rather than over samples: an observation after a gap
 * of {@code dt} keeps {@code exp(-dt/tau)} of the old value. Reading it decays the value towards zero for the
 * time since the last observation, so a backend that has not been measured for a while looks cheap again and
 * gets probed, instead of being starved forever by one bad sample (Finagle's {@code PeakEwma} does the same).
 *
 * <p>With {@code peak} set, an observation above the current value replaces it at once: the average reacts
 * to a slowdown immediately and forgets it slowly.
 */
final class DecayingAverage {
  private final double tauNanos;
  private final boolean peak;
  private double value;
  private long stamp;
  private boolean observed;

  DecayingAverage(long tauNanos, boolean peak) {
    this.tauNanos = tauNanos;
    this.peak = peak;
  }

  synchronized void observe(double sample, long now) {
    if (!observed) {
      value = sample;
      observed = true;
    } else if (peak && sample > value) {
      value = sample;
    } else {
      double w = Math.exp(-Math.max(now - stamp, 0) / tauNanos);
      value = value * w + sample * (1 - w);
    }
    stamp = now;
  }

  /** The value decayed towards zero for the time since the last observation; 0 before any. */
  synchronized double read(long now) {
    if (!observed) {
      return 0;
    }
    return value * Math.exp(-Math.max(now - stamp, 0) / tauNanos);
  }
}
