package io.strategybench.lb;

import io.strategybench.server.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench serve} options of the load-balancer stage: the backends (real, or simulated in-process and shaped
 * by {@link PoolOptions}), their health ({@link HealthOptions}), and the proxy's timeouts and connection limits.
 */
record LbServeOptions(List<String> backends, int simulated, int simThreads, PoolOptions pool, HealthOptions health,
    long connectTimeoutNanos, long responseTimeoutNanos, int maxConnections) {

  /** The proxy's limits. */
  Upstream.Limits limits() {
    return new Upstream.Limits((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos)),
        responseTimeoutNanos, maxConnections, Math.min(1024, maxConnections));
  }

  /** Simulated backends to run: as given, else 2 when no real backend is given and another stage is in front. */
  int simulated(boolean behindAnother) {
    if (simulated < -1) {
      throw new IllegalArgumentException("--simulated must be 0 or more, got " + simulated);
    }
    if (simulated >= 0) {
      return simulated;
    }
    return backends.isEmpty() && behindAnother ? 2 : 0;
  }
}
