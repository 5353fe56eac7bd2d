package com.example.strategybench.retry;

import io.strategybench.backend.ServiceTime;
import io.strategybench.cli.NanosConverter;
import picocli.CommandLine.Option;

/** {@code bench serve} options of the retry stage: its overloaded upstream and the timeout of each call. */
public final class RetryOptions {
  @Option(names = "--retry-upstream-capacity", paramLabel = "N", defaultValue = "4",
      description = "(retry) Calls the stage's upstream serves at once.")
  int upstreamCapacity;

  @Option(names = "--retry-upstream-queue", paramLabel = "N", defaultValue = "4",
      description = "(retry) Calls waiting for the upstream beyond that; more get 503 at once.")
  int upstreamQueue;

  @Option(names = "--retry-upstream-time", paramLabel = "DIST", defaultValue = "exp:5ms",
      description = "(retry) The upstream's service time, as --sim-service-time takes it.")
  String upstreamTime;

  @Option(names = "--retry-timeout", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "(retry) How long one upstream call may take before it counts as failed.")
  long timeoutNanos;

  RetryStage.Config build() {
    if (upstreamCapacity < 1 || upstreamQueue < 0) {
      throw new IllegalArgumentException("--retry-upstream-capacity must be at least 1 and --retry-upstream-queue"
          + " 0 or more, got " + upstreamCapacity + " and " + upstreamQueue);
    }
    return new RetryStage.Config(upstreamCapacity, upstreamQueue,
        ServiceTime.parse(upstreamTime, "--retry-upstream-time"), timeoutNanos);
  }
}
