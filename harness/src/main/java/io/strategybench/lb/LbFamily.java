package io.strategybench.lb;

import io.strategybench.cli.OptionTable;
import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;
import java.util.List;

/** The load-balancing family: which backend serves each request. */
public final class LbFamily extends FamilyBase<LbPlan> {
  public LbFamily() {
    super(LoadBalancer.FAMILY, 10, LbPlan.class, SimulateLbCommand::new, MicroLbCommand::new,
        LbRunner::new, LbSection::new);
  }

  @Override
  protected void check(LbPlan lb, Problems problems) {
    problems.serviceTime("serviceTime", lb.serviceTime());
    if (lb.weights().size() != lb.backends() || lb.capacities().size() != lb.backends()) {
      problems.at("weights", "weights and capacities must list one value per backend (" + lb.backends() + "), got "
          + lb.weights().size() + " and " + lb.capacities().size());
    }
    if (lb.slowAt() > 1) {
      problems.at("slowAt", "is a fraction of the run, 0 to 1, got " + lb.slowAt());
    }
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("round-robin", () -> OptionTable.of(LbServeOptions.class).bind(), request -> {
    LbServeOptions o = request.options(LbServeOptions.class);
    request.strategy().validate(request.params());
    List<BackendAddress> real = o.backends().stream().map(BackendAddress::parse).toList();
    int simulated = o.simulated(request.position() > 0);
    LoadBalancer strategy = (LoadBalancer) request.strategy().create(request.params(), StrategyContext.system());
    LoadBalancerStage stage = new LoadBalancerStage(strategy, request.strategy().name(), real,
        simulated > 0 ? o.pool().build(simulated) : List.of(), o.health().policy(), o.limits(), o.simThreads());
    return new StageFactory.Built(stage, (real.size() + simulated) + " backend(s)");
    });
  }


}
