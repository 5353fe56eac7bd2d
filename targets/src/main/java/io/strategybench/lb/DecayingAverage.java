package io.strategybench.lb;

/**
 * An exponentially weighted moving average over time rather than over samples: an observation after a gap
 * of {@code dt} keeps {@code exp(-dt/tau)} of the old value. Reading it decays the value towards zero for the
 * time since the last observation, so a backend that has not been measured for a while looks cheap again and
 * gets probed, instead of being starved forever by one bad sample (Finagle's {@code PeakEwma} does the same).
 *
 * <p>With {@code peak} set, an observation above the current value replaces it at once: the average reacts
 * to a slowdown immediately and forgets it slowly.
 *
 * <p>Picking the lowest of several averages with the same {@code tau} does not need their decayed values:
 * {@code value * exp(-(now - stamp)/tau)} orders like {@code ln(value) + stamp/tau}, in which {@code now}
 * cancels. {@link #logScore()} keeps that number, computed once per observation, so a pick reads one
 * volatile double per backend instead of taking a lock and calling {@code exp}.
 */
final class DecayingAverage {
  private final double tauNanos;
  private final boolean peak;
  private double value;
  private long stamp;
  private boolean observed;
  private volatile double logScore = Double.NEGATIVE_INFINITY;

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
    logScore = value > 0 ? Math.log(value) + stamp / tauNanos : Double.NEGATIVE_INFINITY;
  }

  /** The value decayed towards zero for the time since the last observation; 0 before any. */
  synchronized double read(long now) {
    if (!observed) {
      return 0;
    }
    return value * Math.exp(-Math.max(now - stamp, 0) / tauNanos);
  }

  /**
   * {@code ln(value) + stamp/tau}: of two averages with the same tau, the one with the lower score has the
   * lower decayed value at any time after both stamps. Negative infinity before any observation (value 0).
   */
  double logScore() {
    return logScore;
  }

  /** Natural logarithms of 1..1024, so a cost {@code latency x (inFlight + 1)} can be compared in log space. */
  private static final double[] LN = new double[1025];

  static {
    for (int i = 1; i < LN.length; i++) {
      LN[i] = Math.log(i);
    }
  }

  static double ln(int positive) {
    return positive < LN.length ? LN[positive] : Math.log(positive);
  }
}
