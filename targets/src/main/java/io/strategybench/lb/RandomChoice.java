package io.strategybench.lb;

import io.strategybench.strategy.Strategy;
import io.strategybench.strategy.StrategyContext;
import java.util.List;

/**
 * Random: a uniformly random backend; if it is not eligible, the next eligible one after it. Stateless and
 * cheap; its spread is only even on average, which the simulator's imbalance figure shows.
 */
@Strategy(name = "random", summary = "a uniformly random available backend")
public final class RandomChoice implements LoadBalancer {
  private final StrategyContext context;
  private volatile Backend[] backends = Snapshot.EMPTY;

  public RandomChoice() {
    this(StrategyContext.system());
  }

  public RandomChoice(StrategyContext context) {
    this.context = context;
  }

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
    return Snapshot.firstEligible(current, context.random().nextInt(current.length), request);
  }
}
