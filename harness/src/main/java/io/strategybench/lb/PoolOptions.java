package io.strategybench.lb;

import io.strategybench.backend.SimulatedBackendSpec;
import java.util.ArrayList;
import java.util.List;

/** The simulated backends: how many, and their weights, capacities, service times, queues and faults. */
record PoolOptions(List<Integer> weights, List<Integer> capacities, String serviceTime, int queue,
    int responseBytes, List<String> faults, List<String> overrides) {

  List<SimulatedBackendSpec> build(int count) {
    return SimulatedBackendSpec.override(
        SimulatedBackendSpec.pool(count, weights, capacities, serviceTime, queue, responseBytes, faults), overrides);
  }
}
