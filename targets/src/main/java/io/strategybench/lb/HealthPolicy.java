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
 * @param rise good probes in a row that bring a down backend up
 * @param fall failed probes in a row that take an up backend down
 */
public record HealthPolicy(int maxFails, long ejectNanos, boolean failOn5xx, long probeIntervalNanos,
    long probeTimeoutNanos, String probePath, int rise, int fall) {

  /** Passive: 3 failures eject for 10 s, 5xx counts. Active: a probe of {@code /} every second, 2 rise, 2 fall. */
  public static HealthPolicy defaults() {
    return new HealthPolicy(3, TimeUnit.SECONDS.toNanos(10), true, TimeUnit.SECONDS.toNanos(1),
        TimeUnit.MILLISECONDS.toNanos(500), "/", 2, 2);
  }

  public HealthPolicy {
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
