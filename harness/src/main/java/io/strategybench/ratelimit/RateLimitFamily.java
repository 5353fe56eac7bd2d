package io.strategybench.ratelimit;

import io.strategybench.family.FamilyModule;
import io.strategybench.family.FamilyRun;
import io.strategybench.family.StageFactory;
import io.strategybench.report.ReportWriter;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.run.RunContext;
import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyContext;
import java.io.IOException;
import java.util.List;

/** The rate-limiting family: whether each request of a client is admitted now. */
public final class RateLimitFamily implements FamilyModule {
  @Override
  public Family<?> family() {
    return RateLimiter.FAMILY;
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public Class<? extends Record> planType() {
    return RateLimitPlan.class;
  }

  @Override
  public void validate(Record plan, Problems problems) {
    List<String> patterns = ((RateLimitPlan) plan).patterns();
    for (int i = 0; i < patterns.size(); i++) {
      if (!Arrivals.PATTERNS.contains(patterns.get(i))) {
        problems.at("patterns/" + i, "'" + patterns.get(i) + "' is not one of " + String.join(", ",
            Arrivals.PATTERNS.stream().sorted().toList()));
      }
    }
  }

  @Override
  public FamilyRun run(RunContext context, Record plan) {
    return new RateLimitRunner(context, (RateLimitPlan) plan);
  }

  @Override
  public void report(ReportWriter report, FamilyResults family) throws IOException {
    new RateLimitSection(report, family).render();
  }

  @Override
  public StageFactory stages() {
    return new StageFactory() {
      @Override
      public Object options() {
        return new RateLimitOptions();
      }

      @Override
      public String defaultStrategy() {
        return "token-bucket";
      }

      /** A limiter guards a service: alone, it stands in front of a round-robin load balancer. */
      @Override
      public List<String> pipeline(String family, String strategy) {
        return List.of(family + ":" + strategy, "lb:round-robin");
      }

      @Override
      public Built build(Request request) {
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
        return new Built(stage, config.rules().size() + " rule(s)");
      }
    };
  }

  @Override
  public Object simulateCommand() {
    return new SimulateRateLimitCommand();
  }

  @Override
  public Object microCommand() {
    return new MicroRateLimitCommand();
  }
}
