package io.strategybench.lb;

/**
 * A load balancer's view of one backend: what a strategy may read to decide. Implementations are owned
 * by the caller ({@link TrackedBackend}); strategies never change them.
 */
public interface Backend {
  /** A name unique among the current backends ({@code b1}, or {@code host:port}). */
  String name();

  /** Relative capacity, at least 1. */
  int weight();

  /** Requests dispatched to this backend whose response has not completed yet. */
  int inFlight();

  /** Whether the health checks currently allow new requests to it (not ejected, not marked down). */
  boolean isAvailable();
}
