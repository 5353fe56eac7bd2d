package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least connections: the eligible backend with the fewest requests in flight per unit of weight
 * (nginx {@code least_conn} with weights, HAProxy {@code leastconn}). Compares {@code a.inFlight * b.weight}
 * with {@code b.inFlight * a.weight} to stay in integers; ties go to the heavier backend, then rotate.
 */
@Strategy(name = "weighted-least-connections", summary = "fewest requests in flight per unit of weight")
public final class WeightedLeastConnections implements LoadBalancer {
  private volatile Backend[] backends = Snapshot.EMPTY;
  private final AtomicInteger rotation = new AtomicInteger();

  @Override
  public void setBackends(List<? extends Backend> backends) {
    this.backends = Snapshot.of(backends);
  }

  @Override
  public Backend pick(LbRequest request) {
    Backend[] current = backends;
    int n = current.length;
    if (n == 0) {
      return null;
    }
    int start = Math.floorMod(rotation.getAndIncrement(), n);
    Backend best = null;
    long bestInFlight = 0;
    long bestWeight = 1;
    for (int i = 0; i < n; i++) {
      Backend candidate = current[(start + i) % n];
      if (!request.eligible(candidate)) {
        continue;
      }
      long inFlight = candidate.inFlight();
      long weight = candidate.weight();
      if (best == null) {
        best = candidate;
        bestInFlight = inFlight;
        bestWeight = weight;
        continue;
      }
      long lhs = inFlight * bestWeight;
      long rhs = bestInFlight * weight;
      if (lhs < rhs || (lhs == rhs && weight > bestWeight)) {
        best = candidate;
        bestInFlight = inFlight;
        bestWeight = weight;
      }
    }
    return best;
  }
}
