package io.strategybench.lb;

import java.util.concurrent.TimeUnit;

/**
 * When a backend stops getting new requests and when it gets them again.
 *
 * <p>Passive (outlier ejection, as nginx {@code max_fails}/{@code fail_timeout} and Envoy's outlier
 * detection): after {@code maxFails} consecutive failed requests (connection refused or reset, timeout, and
 * 5xx when {@code failOn5xx}) the backend is ejected for {@code ejectNanos}, then tried again.
 * Active (as HAProxy {@code check}): every {@code probeIntervalNanos} a {@code GET probePath} with
 * {@code probeTimeoutNanos}; {@code fall} failed probes in a row mark it down, {@code rise} good ones up.
 *
 * @param maxFails consecutive failures that eject; 0 turns passive health off
 * @param ejectNanos how long an ejection lasts
 * @param failOn5xx whether a 5xx response counts as a failure
 * @param probeIntervalNanos time between probes; 0 turns active health off
 * @param probeTimeoutNanos how long a probe may take
 * @param probePath the path probed
 * <p>Panic (Envoy's {@code healthy_panic_threshold}): when fewer than {@code panicThreshold} of the backends
 * are available, health is set aside and requests are balanced over all of them. A slow patch that ejects most
 * backends then degrades the service instead of turning it into an outage of 503s.
 *
 * @param rise good probes in a row that bring a down backend up
 * @param fall failed probes in a row that take an up backend down
 * @param panicThreshold the share of available backends below which health is ignored (Envoy: 0.5); 0 never
 * @param maxEjectionShare the largest share of the backends passive health may have ejected at once (Envoy's
 *     {@code max_ejection_percent}, 10%); one backend may always be ejected. A failure past it is counted, not
 *     acted on: a cascade of ejections (a bad client, a shared dependency) cannot empty the pool.
 */
public record HealthPolicy(int maxFails, long ejectNanos, boolean failOn5xx, long probeIntervalNanos,
    long probeTimeoutNanos, String probePath, int rise, int fall, double panicThreshold, double maxEjectionShare) {

  /** Envoy's default maximum ejection share: a tenth of the backends (at least one). */
  public static final double DEFAULT_MAX_EJECTION_SHARE = 0.1;

  /** Envoy's default panic threshold: half the backends. */
  public static final double DEFAULT_PANIC_THRESHOLD = 0.5;

  /**
   * Passive: 3 failures eject for 10 s, 5xx counts. Active: a probe of {@code /} every second, 2 rise, 2 fall.
   * Panic below half the backends.
   */
  public static HealthPolicy defaults() {
    return new HealthPolicy(3, TimeUnit.SECONDS.toNanos(10), true, TimeUnit.SECONDS.toNanos(1),
        TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 2, DEFAULT_PANIC_THRESHOLD, DEFAULT_MAX_EJECTION_SHARE);
  }

  /** A policy with a panic threshold and no cap on ejections: the ejection rules seen alone. */
  public HealthPolicy(int maxFails, long ejectNanos, boolean failOn5xx, long probeIntervalNanos,
      long probeTimeoutNanos, String probePath, int rise, int fall, double panicThreshold) {
    this(maxFails, ejectNanos, failOn5xx, probeIntervalNanos, probeTimeoutNanos, probePath, rise, fall,
        panicThreshold, 1.0);
  }

  /** A policy with the default panic threshold and no cap on ejections. */
  public HealthPolicy(int maxFails, long ejectNanos, boolean failOn5xx, long probeIntervalNanos,
      long probeTimeoutNanos, String probePath, int rise, int fall) {
    this(maxFails, ejectNanos, failOn5xx, probeIntervalNanos, probeTimeoutNanos, probePath, rise, fall,
        DEFAULT_PANIC_THRESHOLD);
  }

  /** The same policy with another panic threshold. */
  public HealthPolicy withPanicThreshold(double threshold) {
    return new HealthPolicy(maxFails, ejectNanos, failOn5xx, probeIntervalNanos, probeTimeoutNanos, probePath, rise,
        fall, threshold, maxEjectionShare);
  }

  /**
   * Whether health is set aside now: fewer than {@link #panicThreshold} of {@code backends} are available.
   * Never with no backends, or a threshold of 0.
   */
  public boolean panics(java.util.List<? extends Backend> backends) {
    if (panicThreshold <= 0 || backends.isEmpty()) {
      return false;
    }
    int available = 0;
    for (Backend b : backends) {
      if (b.isAvailable()) {
        available++;
      }
    }
    return available < panicThreshold * backends.size();
  }

  /**
   * Whether one more backend of {@code backends} may be ejected now: fewer than {@link #maxEjectionShare} of them
   * (at least one) are.
   */
  public boolean mayEject(java.util.List<? extends TrackedBackend> backends) {
    if (maxEjectionShare >= 1) {
      return true;
    }
    int ejected = 0;
    for (TrackedBackend b : backends) {
      if (b.isEjected()) {
        ejected++;
      }
    }
    return ejected < Math.max(1, (int) Math.floor(maxEjectionShare * backends.size()));
  }

  public HealthPolicy {
    if (!(maxEjectionShare > 0 && maxEjectionShare <= 1)) {
      throw new IllegalArgumentException("max ejection share must be more than 0 and at most 1 of the backends"
          + " (Envoy's max_ejection_percent is 10%: 0.1), got " + maxEjectionShare);
    }
    if (maxFails < 0 || maxFails > 1000) {
      throw new IllegalArgumentException("max-fails must be 0..1000 (0 turns passive health off), got " + maxFails);
    }
    if (ejectNanos < 0) {
      throw new IllegalArgumentException("eject time must not be negative");
    }
    if (probeIntervalNanos < 0 || probeTimeoutNanos <= 0) {
      throw new IllegalArgumentException("probe interval must be >= 0 and probe timeout > 0");
    }
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be at least 1");
    }
    if (!(panicThreshold >= 0 && panicThreshold <= 1)) {
      throw new IllegalArgumentException("panic threshold must be a share 0..1 of the backends (0 turns panic off),"
          + " got " + panicThreshold);
    }
    if (!probePath.startsWith("/")) {
      throw new IllegalArgumentException("probe path must start with /, got '" + probePath + "'");
    }
  }

  public boolean passive() {
    return maxFails > 0;
  }

  public boolean active() {
    return probeIntervalNanos > 0;
  }
}
