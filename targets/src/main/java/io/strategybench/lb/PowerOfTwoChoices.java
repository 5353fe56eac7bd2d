package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import java.util.List;

/**
 * Power of two choices: two distinct random backends, the one with fewer requests in flight wins
 * (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001; Envoy's and HAProxy's
 * {@code random(2)} least request). Nearly as even as least connections at O(1) per pick. An ineligible
 * draw is replaced by the next eligible backend after it.
 */
@Strategy(name = "power-of-two-choices", summary = "two random backends, fewer in flight wins")
public final class PowerOfTwoChoices implements LoadBalancer {
  private final StrategyContext context;
  private volatile Backend[] backends = Snapshot.EMPTY;

  public PowerOfTwoChoices() {
    this(StrategyContext.system());
  }

  public PowerOfTwoChoices(StrategyContext context) {
    this.context = context;
  }

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
    if (n == 1) {
      return request.eligible(current[0]) ? current[0] : null;
    }
    int first = context.random().nextInt(n);
    int second = (first + 1 + context.random().nextInt(n - 1)) % n;
    Backend a = Snapshot.firstEligible(current, first, request);
    if (a == null) {
      return null;
    }
    Backend b = Snapshot.firstEligible(current, second, request);
    return b.inFlight() < a.inFlight() ? b : a;
  }
}
