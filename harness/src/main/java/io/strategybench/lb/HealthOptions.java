package io.strategybench.lb;

import io.strategybench.lb.HealthPolicy;

/** Passive and active health of backends. */
record HealthOptions(int maxFails, long ejectNanos, boolean failOn5xx, long probeIntervalNanos,
    long probeTimeoutNanos, String probePath, double panicThreshold, double maxEjectionShare) {

  HealthPolicy policy() {
    return new HealthPolicy(maxFails, ejectNanos, failOn5xx, probeIntervalNanos, probeTimeoutNanos, probePath, 2, 2,
        panicThreshold, maxEjectionShare);
  }
}
