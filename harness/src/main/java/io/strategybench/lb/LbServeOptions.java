package io.strategybench.lb;

import io.strategybench.cli.NanosConverter;
import io.strategybench.server.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench serve} options of the load-balancer stage: the backends (real, or simulated in-process and shaped
 * by {@link PoolOptions}), their health ({@link HealthOptions}), and the proxy's timeouts and connection limits.
 */
final class LbServeOptions {
  @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=W]", showDefaultValue = Visibility.NEVER,
      description = "(lb) A real backend, any HTTP/1.1 server (repeatable; none by default).")
  List<String> backends = new ArrayList<>();

  @Option(names = "--simulated", paramLabel = "N", defaultValue = "-1",
      description = "(lb) Number of simulated in-process backends (named b1..bN), shaped by the --sim-* options;"
          + " by default none with --backend, else 2 behind another stage and none alone.")
  int simulated;

  @Option(names = "--sim-threads", paramLabel = "N", defaultValue = "1",
      description = "(lb) Event-loop threads shared by the simulated backends (apart from --io-threads).")
  int simThreads;

  @Mixin
  PoolOptions pool;

  @Mixin
  HealthOptions health;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "1s", converter = NanosConverter.class,
      description = "(lb) How long a connection to a backend may take before the request is retried elsewhere.")
  long connectTimeoutNanos;

  @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = NanosConverter.class,
      description = "(lb) How long a backend may take to answer before the client gets 504.")
  long responseTimeoutNanos;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "4096",
      description = "(lb) Most connections to one backend per I/O thread.")
  int maxConnections;

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
