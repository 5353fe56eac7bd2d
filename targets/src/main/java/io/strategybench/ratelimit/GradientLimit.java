package io.strategybench.ratelimit;

import io.strategybench.strategy.Setting;
import io.strategybench.strategy.Strategy;

/**
 * An adaptive concurrency limit per key driven by the latency gradient, after Netflix concurrency-limits'
 * {@code Gradient2Limit} (github.com/Netflix/concurrency-limits,
 * {@code concurrency-limits-core/src/main/java/com/netflix/concurrency/limits/limit/Gradient2Limit.java}),
 * whose {@code _update} is mirrored on every {@link #release}:
 *
 * <pre>
 *   shortRtt = latency;  longRtt = expAvg(longRtt, latency)   (mean of the first 10, then factor 2/(long-window+1))
 *   if (longRtt / shortRtt &gt; 2) longRtt = longRtt x 0.95      (recover fast after a prolonged overload)
 *   if (inflight &lt; estimate / 2) keep the estimate             (app-limited: do not grow)
 *   gradient = max(0.5, min(1.0, rtt-tolerance x longRtt / shortRtt))
 *   newLimit = estimate x gradient + queue-size
 *   estimate = estimate x (1 - smoothing) + newLimit x smoothing, bounded to [min-limit, max-limit]
 * </pre>
 *
 * and the key admits while fewer than {@code (long) estimate} requests are in flight. When latency rises
 * above the long-term average (beyond the tolerance) the gradient falls below 1 and the limit shrinks by up
 * to half per sample (smoothed); when latency is at or below it the limit grows by about
 * {@code smoothing x queue-size} per sample. As in Gradient2Limit, the {@code dropped} flag is ignored: only
 * latency drives it. {@code inflight} is the count at the release, the released request included.
 *
 * <p>Known weakness: the long-term RTT is itself learned from the traffic, so a slow, steady latency increase
 * becomes the new baseline (the limit does not fall), and a key whose latency is noisy sees its limit
 * shrink on outliers; it needs tuning of tolerance and smoothing to the backend.
 */
@Strategy(name = "gradient", summary = "adaptive in-flight limit per key from the latency gradient (Netflix Gradient2Limit)",
    characteristics = {RateLimiter.IN_FLIGHT})
public final class GradientLimit extends AdaptiveLimiter<GradientLimit.State> {
  /** Parameters of {@link GradientLimit}; {@code limit} is the initial limit. */
  public static class Settings extends AdaptiveLimiter.Settings {
    @Setting(description = "weight of a new limit against the previous estimate", min = 0.01, max = 1.0)
    public double smoothing = 0.2;

    @Setting(description = "samples over which the long-term latency is averaged", min = 10, max = 1_000_000)
    public int longWindow = 600;

    @Setting(description = "requests allowed to queue on top of the gradient's limit", min = 0, max = 1_000_000)
    public long queueSize = 4;

    @Setting(description = "ratio of short- to long-term latency tolerated before the limit falls", min = 1.0,
        max = 10.0)
    public double rttTolerance = 1.5;
  }

  private static final int WARMUP = 10;

  static final class State extends AdaptiveState {
    double estimate;
    long samples;
    double sum;
    double longRtt;

    State(long initial) {
      super(initial);
      this.estimate = initial;
    }
  }

  private final double smoothing;
  private final double factor;
  private final long queueSize;
  private final double tolerance;

  public GradientLimit() {
    this(new Settings());
  }

  public GradientLimit(Settings settings) {
    super(settings, State::new);
    this.smoothing = settings.smoothing;
    this.factor = 2.0 / (settings.longWindow + 1);
    this.queueSize = settings.queueSize;
    this.tolerance = settings.rttTolerance;
  }

  @Override
  void learn(State state, long latencyNanos, boolean dropped) {
    update(state, Math.max(1, latencyNanos), state.inflight.get());
  }

  private void update(State state, long rtt, long inflight) {
    double shortRtt = rtt;
    if (state.samples < WARMUP) {
      state.samples++;
      state.sum += shortRtt;
      state.longRtt = state.sum / state.samples;
    } else {
      state.longRtt = state.longRtt * (1 - factor) + shortRtt * factor;
    }
    double longRtt = state.longRtt;
    if (longRtt / shortRtt > 2) {
      state.longRtt = longRtt * 0.95;
    }
    if (inflight < state.estimate / 2) {
      return;
    }
    double gradient = Math.max(0.5, Math.min(1.0, tolerance * longRtt / shortRtt));
    double newLimit = state.estimate * gradient + queueSize;
    newLimit = state.estimate * (1 - smoothing) + newLimit * smoothing;
    state.estimate = Math.max(minLimit, Math.min(maxLimit, newLimit));
    state.limit = (long) state.estimate;
  }
}
