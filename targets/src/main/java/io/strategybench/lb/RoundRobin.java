package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin: each backend in turn, skipping those that are not eligible. The classic default of nginx,
 * HAProxy and Envoy. Weights are ignored (see {@link WeightedRoundRobin}).
 */
@Strategy(name = "round-robin", summary = "each backend in turn, skipping unavailable ones")
public final class RoundRobin implements LoadBalancer {
  private volatile Backend[] backends = Snapshot.EMPTY;
  private final AtomicLong next = new AtomicLong();

  @Override
  public void setBackends(List<? extends Backend> backends) {
    this.backends = Snapshot.of(backends);
  }

  @Override
  public Backend pick(LbRequest request) {
    Backend[] current = backends;
    if (current.length == 0) {
      return null;
    }
    int start = (int) Long.remainderUnsigned(next.getAndIncrement(), current.length);
    return Snapshot.firstEligible(current, start, request);
  }
}
