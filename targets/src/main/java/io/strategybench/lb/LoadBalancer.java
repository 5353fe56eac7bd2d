package io.strategybench.lb;

import io.strategybench.strategy.Family;
import java.util.List;

/**
 * Chooses a backend for each request.
 *
 * <p>The caller (the target server's {@link LoadBalancerStage}, or the simulator) owns the backends: it
 * keeps their in-flight counts and health, tells the strategy the current set with {@link #setBackends},
 * asks for a {@link #pick}, and reports each outcome with {@link #onComplete}. A strategy only decides.
 *
 * <p>Threading: {@code pick} and {@code onComplete} are called concurrently from the server's I/O threads;
 * {@code setBackends} may run concurrently with them (a topology change) but never with itself. Keep the
 * current set in one volatile snapshot. Time and randomness come from the
 * {@link io.strategybench.strategy.StrategyContext} a strategy may take in its constructor, never from
 * {@code System.nanoTime()} directly, so the simulator can run it on virtual time.
 */
public interface LoadBalancer {
  /** The load-balancing family. */
  Family<LoadBalancer> FAMILY = new Family<>("lb", LoadBalancer.class, "Load balancing",
      "which backend serves each request");

  /**
   * Replaces the set of backends, in a stable order. Called before the first pick and after every add or
   * remove; a backend that stays keeps its identity, so per-backend state can be carried over.
   */
  void setBackends(List<? extends Backend> backends);

  /**
   * Chooses a backend for which {@code request.eligible(backend)} holds.
   *
   * @return the chosen backend, or {@code null} when no backend is eligible
   */
  Backend pick(LbRequest request);

  /**
   * Reports the outcome of a request sent to {@code backend}: the time from dispatch to the end of its
   * response, and whether it succeeded (no connection error, no timeout, no 5xx).
   */
  default void onComplete(Backend backend, long latencyNanos, boolean success) {}
}
