package io.strategybench.cli;

import io.strategybench.family.StageFactory;
import picocli.CommandLine.Option;

/**
 * {@code bench serve} options of the simulated origin: the slow service at the end of a pipeline whose last stage
 * keeps no backends of its own (a cache, the shards of a hashing ring). Any stage may read them.
 */
public final class OriginOptions {
  @Option(names = "--origin-time", paramLabel = "DIST", defaultValue = "const:20ms",
      description = "A simulated origin's service time per request, in the forms of --sim-service-time"
          + " (const:20ms, exp:20ms, ...).")
  String originTime;

  @Option(names = "--origin-capacity", paramLabel = "N", defaultValue = "64",
      description = "Requests a simulated origin serves at once.")
  int originCapacity;

  @Option(names = "--origin-queue", paramLabel = "N", defaultValue = "1024",
      description = "Requests that wait for a simulated origin beyond its capacity; more get 503.")
  int originQueue;

  StageFactory.Common common(int ioThreads) {
    return new StageFactory.Common(ioThreads, originTime, originCapacity, originQueue);
  }
}
