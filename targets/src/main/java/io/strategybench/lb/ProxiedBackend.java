package io.strategybench.lb;

import io.strategybench.backend.SimulatedBackend;
import io.strategybench.server.Upstream;
import io.strategybench.strategy.Clock;

/** A backend of the target server's load-balancer stage: tracked, with its upstream connection pools. */
final class ProxiedBackend extends TrackedBackend {
  private final Upstream upstream;
  private final SimulatedBackend simulated;
  private volatile boolean removed;

  ProxiedBackend(String name, int weight, HealthPolicy policy, Upstream upstream, SimulatedBackend simulated) {
    super(name, weight, policy, Clock.SYSTEM);
    this.upstream = upstream;
    this.simulated = simulated;
  }

  Upstream upstream() {
    return upstream;
  }

  /** The in-process server behind it, or null for a real backend. */
  SimulatedBackend simulated() {
    return simulated;
  }

  /** Whether it has been removed from its stage; a strategy holding an old list may still return it. */
  boolean isRemoved() {
    return removed;
  }

  void markRemoved() {
    removed = true;
  }

  String address() {
    return upstream.address().getHostString() + ":" + upstream.address().getPort();
  }
}
