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
    RateLimitOptions options = (RateLimitOptions) request.options();
    RateLimitStage.Config config = options.build(
        Long.parseLong(RuleLimiters.param(limiter, request.params(), "limit")),
        Long.parseLong(RuleLimiters.param(limiter, request.params(), "window-millis")));
    // --max-keys and --key-idle-expiry, unless the strategy's own -p max-keys= / key-idle-millis= say otherwise
    long maxKeys = request.params().containsKey("max-keys") ? 0 : options.maxKeys();
    long idleMillis = request.params().containsKey("key-idle-millis") ? 0 : options.keyIdleMillis();
    RateLimitStage stage = new RateLimitStage(limiter.name(), config,
        RuleLimiters.factory(limiter, request.params(), StrategyContext.system(), maxKeys, idleMillis));
    return new StageFactory.Built(stage, config.rules().size() + " rule(s)");
    }, "lb:round-robin");
  }


}
