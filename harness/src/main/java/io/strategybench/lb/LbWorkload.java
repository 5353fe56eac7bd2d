package io.strategybench.lb;

import io.strategybench.backend.SimulatedBackendSpec;
import java.util.List;

/**
 * What a load-balancing simulation replays: the backends, the arrivals and the client population.
 *
 * @param backends the simulated backends, with their distributions, capacities and faults
 * @param rate mean arrivals per second
 * @param poisson Poisson arrivals (exponential gaps) when true, evenly spaced when false
 * @param durationNanos virtual time over which requests arrive
 * @param clients distinct client addresses
 * @param sessions distinct sessions
 * @param health passive health policy applied by the simulated balancer
 * @param seed seeds every random choice: the same seed gives the same output
 */
public record LbWorkload(List<SimulatedBackendSpec> backends, double rate, boolean poisson, long durationNanos,
    int clients, int sessions, HealthPolicy health, long seed) {

  public LbWorkload {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one backend");
    }
    if (!(rate > 0 && rate <= 10_000_000)) {
      throw new IllegalArgumentException("rate must be in (0, 10000000] requests per second, got " + rate);
    }
    if (durationNanos <= 0) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (clients < 1 || sessions < 1) {
      throw new IllegalArgumentException("clients and sessions must be at least 1");
    }
    if (rate * durationNanos / 1e9 > 100_000_000) {
      throw new IllegalArgumentException("rate x duration gives more than 100 million requests; shorten --duration");
    }
  }

  /** Expected number of requests. */
  public long expectedRequests() {
    return Math.round(rate * durationNanos / 1e9);
  }
}
