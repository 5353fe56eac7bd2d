package com.example.strategybench.retry;

import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;

/**
 * The retry family, whole, from a plugin jar: its strategy type, the plan a suite gives it, its stage and
 * {@code serve} options, its three lenses, its report section and its {@code simulate} and {@code micro} commands.
 * Listed in {@code META-INF/services/io.strategybench.family.FamilyModule}.
 */
public final class RetryFamily extends FamilyBase<RetryPlan> {
  public RetryFamily() {
    super(RetryPolicy.FAMILY, 60, RetryPlan.class, SimulateRetryCommand::new, MicroRetryCommand::new,
        RetryRunner::new, RetrySection::new);
  }

  @Override
  protected void check(RetryPlan plan, Problems problems) {
    problems.serviceTime("upstreamTime", plan.upstreamTime());
    if (plan.clients().stream().anyMatch(c -> c > 100_000)) {
      problems.at("clients", "at most 100000 clients, got " + plan.clients());
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("full-jitter", RetryOptions::new, request -> {
      request.strategy().validate(request.params());
      RetryStage.Config config = ((RetryOptions) request.options()).build();
      RetryPolicy policy = (RetryPolicy) request.strategy().create(request.params(), StrategyContext.system());
      return new StageFactory.Built(new RetryStage(policy, request.strategy().name(), config), "an upstream serving "
          + config.upstreamCapacity() + " call(s) at once, " + config.upstreamQueue() + " waiting");
    });
  }
}
