package io.strategybench.ratelimit;

import io.strategybench.cli.OptionTable;
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
    // the bounds bench simulate ratelimit checks, so that a suite out of them stops before anything runs (the run
    // would generate the arrivals until memory ran out)
    if (plan.limit() > Arrivals.MAX_LIMIT) {
      problems.at("limit", "must be 1.." + Arrivals.MAX_LIMIT + ", got " + plan.limit());
    } else if (plan.limit() > 0 && plan.windowMillis() > 0 && plan.rateMultiple() > 0 && plan.simulateKeys() > 0
        && plan.simulateSeconds() > 0) {
      double perSecond = plan.rateMultiple() * plan.limit() * 1000.0 / plan.windowMillis(); // as the run's
      for (String pattern : patterns.stream().filter(Arrivals.PATTERNS::contains).distinct().toList()) {
        double expected = Arrivals.expected(pattern, plan.simulateKeys(), perSecond,
            plan.simulateSeconds() * 1_000_000_000L, plan.limit(), plan.windowMillis() * 1_000_000L);
        if (expected > Arrivals.MAX_ARRIVALS) {
          problems.at("simulateKeys", plan.simulateKeys() + " keys for " + plan.simulateSeconds() + " s make about "
              + String.format(java.util.Locale.ROOT, "%.0f", expected) + " arrivals of the " + pattern + " pattern"
              + (pattern.equals("boundary-burst") ? " (two limits every fourth window edge)"
                  : " (" + perSecond + " per second per key: rateMultiple x limit per window)")
              + "; a simulation holds at most " + Arrivals.MAX_ARRIVALS + ": fewer simulateKeys or simulateSeconds");
          break;
        }
      }
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("token-bucket", () -> OptionTable.of(RateLimitOptions.class).bind(), request -> {
    if (request.last()) {
      throw new IllegalArgumentException("the rate-limit stage passes the requests it admits on; put a stage that"
          + " answers them (lb, cache, hashing) after it");
    }
    @SuppressWarnings("unchecked")
    var limiter = (io.strategybench.strategy.StrategyDescriptor<RateLimiter>) request.strategy();
    limiter.validate(request.params());
    RateLimitOptions options = request.options(RateLimitOptions.class);
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
