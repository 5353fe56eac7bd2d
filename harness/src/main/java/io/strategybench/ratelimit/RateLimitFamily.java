package io.strategybench.ratelimit;

import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;
import java.util.List;

/** The rate-limiting family: whether each request of a client is admitted now. */
public final class RateLimitFamily extends FamilyBase<RateLimitPlan> {
  public RateLimitFamily() {
    super(RateLimiter.FAMILY, 30, RateLimitPlan.class, SimulateRateLimitCommand::new, MicroRateLimitCommand::new,
        RateLimitRunner::new, RateLimitSection::new);
  }

  @Override
  protected void check(RateLimitPlan plan, Problems problems) {
    List<String> patterns = plan.patterns();
    for (int i = 0; i < patterns.size(); i++) {
      if (!Arrivals.PATTERNS.contains(patterns.get(i))) {
        problems.at("patterns/" + i, "'" + patterns.get(i) + "' is not one of " + String.join(", ",
            Arrivals.PATTERNS.stream().sorted().toList()));
      }
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("token-bucket", RateLimitOptions::new, request -> {
    if (request.last()) {
      throw new IllegalArgumentException("the rate-limit stage passes the requests it admits on; put a stage that"
          + " answers them (lb, cache, hashing) after it");
    }
    @SuppressWarnings("unchecked")
    var limiter = (io.strategybench.strategy.StrategyDescriptor<RateLimiter>) request.strategy();
    limiter.validate(request.params());
    RateLimitStage.Config config = ((RateLimitOptions) request.options()).build(
        Long.parseLong(RuleLimiters.param(limiter, request.params(), "limit")),
        Long.parseLong(RuleLimiters.param(limiter, request.params(), "window-millis")));
    RateLimitStage stage = new RateLimitStage(limiter.name(), config,
        RuleLimiters.factory(limiter, request.params(), StrategyContext.system()));
    return new StageFactory.Built(stage, config.rules().size() + " rule(s)");
    }, "lb:round-robin");
  }


}
