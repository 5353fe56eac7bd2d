package io.strategybench.idempotency;

import io.strategybench.idempotency.IdempotencySimulator.Workload;

/**
 * The options of {@code bench simulate idempotency}: the workload and the failures, declared in
 * {@code SimulateIdempotencyOptions.options.yaml}.
 */
record SimulateIdempotencyOptions(int keys, int instances, long spreadNanos, long processingNanos, boolean exponential,
    long clientTimeoutNanos, int maxAttempts, long baseNanos, long capNanos, long lockTtlNanos,
    double crashAfterEffect, double crashHoldingLock, long restartNanos, long seed) {
  /** The simulator's workload (times in milliseconds). */
  Workload workload() {
    return new Workload(keys, instances, millis(spreadNanos), millis(processingNanos), exponential,
        millis(clientTimeoutNanos), maxAttempts, millis(baseNanos), millis(capNanos), crashAfterEffect,
        crashHoldingLock, millis(restartNanos), millis(lockTtlNanos), seed);
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
