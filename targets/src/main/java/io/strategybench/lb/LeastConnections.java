package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least connections: the eligible backend with the fewest requests in flight (nginx {@code least_conn},
 * HAProxy {@code leastconn}). Ties go to the first found from a rotating start, so equal backends share
 * the load instead of the first one taking every tie. O(backends) per pick.
 */
@Strategy(name = "least-connections", summary = "fewest requests in flight; ties rotate")
public final class LeastConnections implements LoadBalancer {
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
    int bestInFlight = Integer.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Backend candidate = current[(start + i) % n];
      if (!request.eligible(candidate)) {
        continue;
      }
      int inFlight = candidate.inFlight();
      if (inFlight < bestInFlight) {
        best = candidate;
        bestInFlight = inFlight;
      }
    }
    return best;
  }
}
