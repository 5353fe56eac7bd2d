package io.strategybench.delivery;

import java.util.List;

/**
 * The options of {@code bench simulate delivery}: the workload, the fan-outs and the outage, declared in
 * {@code SimulateDeliveryOptions.options.yaml}.
 */
record SimulateDeliveryOptions(List<String> fanouts, int subscribers, int instances, double rate,
    long durationNanos, long delayNanos, long hopNanos, long outageAtNanos, long outageNanos, int dataBytes,
    long seed) {
  static double millis(long nanos) {
    return nanos / 1e6;
  }
}
