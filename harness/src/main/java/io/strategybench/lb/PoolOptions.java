package io.strategybench.lb;

import io.strategybench.backend.SimulatedBackendSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The simulated backends: how many, and their weights, capacities, service times, queues and faults. */
final class PoolOptions {
  @Option(names = "--sim-weights", paramLabel = "W", split = ",", defaultValue = "4,2,1,1",
      description = "Weights of the simulated backends, cycled when fewer than backends.")
  List<Integer> weights = new ArrayList<>();

  @Option(names = "--sim-capacities", paramLabel = "C", split = ",", defaultValue = "8,4,2,2",
      description = "Requests each simulated backend serves at once, cycled when fewer than backends.")
  List<Integer> capacities = new ArrayList<>();

  @Option(names = "--sim-service-time", paramLabel = "DIST", defaultValue = "exp:5ms",
      description = "Service-time distribution: const:5ms, uniform:1ms..9ms, exp:5ms (mean) or lognormal:5ms,0.8"
          + " (mean, sigma).")
  String serviceTime;

  @Option(names = "--sim-queue", paramLabel = "N", defaultValue = "128",
      description = "Requests a simulated backend queues beyond its capacity before answering 503.")
  int queue;

  @Option(names = "--sim-response-bytes", paramLabel = "BYTES", defaultValue = "1024",
      description = "Body size of each simulated response.")
  int responseBytes;

  @Option(names = "--sim-fault", paramLabel = "NAME@OFFSET:ACTION", showDefaultValue = Visibility.NEVER,
      description = "A scheduled fault (repeatable; none by default): b4@30s:slow=10, b2@10s:error=503, b2@20s:refuse,"
          + " b2@40s:recover. Offsets count from start, or from the last /_/reset.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--sim-set", paramLabel = "NAME.KEY=VALUE", showDefaultValue = Visibility.NEVER,
      description = "Set one property of one simulated backend (repeatable; none by default): weight, capacity,"
          + " service-time, queue or response-bytes, e.g. b4.service-time=lognormal:20ms,1.2 or b2.capacity=16.")
  List<String> overrides = new ArrayList<>();

  List<SimulatedBackendSpec> build(int count) {
    return SimulatedBackendSpec.override(
        SimulatedBackendSpec.pool(count, weights, capacities, serviceTime, queue, responseBytes, faults), overrides);
  }
}
