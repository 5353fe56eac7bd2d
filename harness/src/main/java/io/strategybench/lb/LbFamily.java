package io.strategybench.lb;

import io.strategybench.backend.ServiceTime;
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

/** The load-balancing family: which backend serves each request. */
public final class LbFamily implements FamilyModule {
  @Override
  public Family<?> family() {
    return LoadBalancer.FAMILY;
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public Class<? extends Record> planType() {
    return LbPlan.class;
  }

  @Override
  public void validate(Record plan, Problems problems) {
    LbPlan lb = (LbPlan) plan;
    try {
      ServiceTime.parse(lb.serviceTime(), "serviceTime");
    } catch (IllegalArgumentException e) {
      problems.at("serviceTime", e.getMessage().replaceFirst("^serviceTime: ", ""));
    }
    if (lb.weights().size() != lb.backends() || lb.capacities().size() != lb.backends()) {
      problems.at("weights", "weights and capacities must list one value per backend (" + lb.backends() + "), got "
          + lb.weights().size() + " and " + lb.capacities().size());
    }
    if (lb.slowAt() > 1) {
      problems.at("slowAt", "is a fraction of the run, 0 to 1, got " + lb.slowAt());
    }
  }

  @Override
  public FamilyRun run(RunContext context, Record plan) {
    return new LbRunner(context, (LbPlan) plan);
  }

  @Override
  public void report(ReportWriter report, FamilyResults family) throws IOException {
    new LbSection(report, family).render();
  }

  @Override
  public StageFactory stages() {
    return new StageFactory() {
      @Override
      public Object options() {
        return new LbServeOptions();
      }

      @Override
      public String defaultStrategy() {
        return "round-robin";
      }

      @Override
      public Built build(Request request) {
        LbServeOptions o = (LbServeOptions) request.options();
        request.strategy().validate(request.params());
        List<BackendAddress> real = o.backends.stream().map(BackendAddress::parse).toList();
        int simulated = o.simulated(request.position() > 0);
        LoadBalancer strategy = (LoadBalancer) request.strategy().create(request.params(), StrategyContext.system());
        LoadBalancerStage stage = new LoadBalancerStage(strategy, request.strategy().name(), real,
            simulated > 0 ? o.pool.build(simulated) : List.of(), o.health.policy(), o.limits(), o.simThreads);
        return new Built(stage, (real.size() + simulated) + " backend(s)");
      }
    };
  }

  @Override
  public Object simulateCommand() {
    return new SimulateLbCommand();
  }

  @Override
  public Object microCommand() {
    return new MicroLbCommand();
  }
}
