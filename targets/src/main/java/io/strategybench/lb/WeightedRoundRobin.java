package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import java.util.List;

/**
 * Smooth weighted round robin, as nginx does it ({@code ngx_http_upstream_get_peer}, 2012): on every pick
 * each eligible backend's current weight grows by its weight, the largest wins and loses the total. Over any
 * cycle of sum(weights) picks each backend gets exactly its weight, and the picks of a heavy backend are
 * spread through the cycle instead of coming in one run ({@code a a a a a b c} becomes {@code a a b a c a a}).
 */
@Strategy(name = "weighted-round-robin", summary = "smooth weighted round robin, as nginx does it")
public final class WeightedRoundRobin implements LoadBalancer {
  private static final class State {
    final Backend[] backends;
    final long[] current;

    State(Backend[] backends) {
      this.backends = backends;
      this.current = new long[backends.length];
    }
  }

  private volatile State state = new State(Snapshot.EMPTY);

  @Override
  public void setBackends(List<? extends Backend> backends) {
    state = new State(Snapshot.of(backends));
  }

  @Override
  public Backend pick(LbRequest request) {
    State s = state;
    synchronized (s) {
      int best = -1;
      long total = 0;
      for (int i = 0; i < s.backends.length; i++) {
        Backend candidate = s.backends[i];
        if (!request.eligible(candidate)) {
          continue;
        }
        int weight = candidate.weight();
        s.current[i] += weight;
        total += weight;
        if (best < 0 || s.current[i] > s.current[best]) {
          best = i;
        }
      }
      if (best < 0) {
        return null;
      }
      s.current[best] -= total;
      return s.backends[best];
    }
  }
}
