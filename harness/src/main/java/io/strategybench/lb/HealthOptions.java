package io.strategybench.lb;

import io.strategybench.cli.NanosConverter;
import io.strategybench.lb.HealthPolicy;
import picocli.CommandLine.Option;

/** Passive and active health of backends. */
final class HealthOptions {
  @Option(names = "--max-fails", paramLabel = "N", defaultValue = "3",
      description = "Consecutive failures (refused, reset, timeout, 5xx) that eject a backend; 0 turns passive health off.")
  int maxFails;

  @Option(names = "--eject-time", paramLabel = "DURATION", defaultValue = "10s", converter = NanosConverter.class,
      description = "How long an ejected backend gets no requests.")
  long ejectNanos;

  @Option(names = "--fail-on-5xx", negatable = true, defaultValue = "true",
      description = "Count 5xx responses as failures for passive health (--no-fail-on-5xx counts only"
          + " connection errors and timeouts). Default: ${DEFAULT-VALUE}")
  boolean failOn5xx = true;

  @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "Time between active health probes; 0s turns them off.")
  long probeIntervalNanos;

  @Option(names = "--probe-timeout", paramLabel = "DURATION", defaultValue = "500ms", converter = NanosConverter.class,
      description = "How long a probe may take.")
  long probeTimeoutNanos;

  @Option(names = "--probe-path", paramLabel = "PATH", defaultValue = "/",
      description = "Path of the probe request (GET; 2xx or 3xx is healthy).")
  String probePath;

  @Option(names = "--panic-threshold", paramLabel = "SHARE", defaultValue = "0.5",
      description = "When fewer than this share of the backends are available, set health aside and balance over all"
          + " of them (Envoy's healthy_panic_threshold), so a slow patch does not become an outage; 0 never."
          + " Default: ${DEFAULT-VALUE}")
  double panicThreshold;

  @Option(names = "--max-ejection", paramLabel = "SHARE", defaultValue = "0.1",
      description = "The largest share of the backends passive health may have ejected at once (Envoy's"
          + " max_ejection_percent); one backend may always be. A failure past it is counted, not acted on."
          + " Default: ${DEFAULT-VALUE}")
  double maxEjectionShare;

  HealthPolicy policy() {
    return new HealthPolicy(maxFails, ejectNanos, failOn5xx, probeIntervalNanos, probeTimeoutNanos, probePath, 2, 2,
        panicThreshold, maxEjectionShare);
  }
}
