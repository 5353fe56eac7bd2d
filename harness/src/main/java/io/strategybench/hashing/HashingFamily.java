package io.strategybench.hashing;

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

/** The consistent-hashing family: which node owns each key, and how many keys move when nodes come and go. */
public final class HashingFamily implements FamilyModule {
  @Override
  public Family<?> family() {
    return ConsistentHash.FAMILY;
  }

  @Override
  public int order() {
    return 20;
  }

  @Override
  public Class<? extends Record> planType() {
    return HashingPlan.class;
  }

  @Override
  public void validate(Record plan, Problems problems) {
    HashingPlan h = (HashingPlan) plan;
    try {
      ServiceTime.parse(h.originTime(), "originTime");
    } catch (IllegalArgumentException e) {
      problems.at("originTime", e.getMessage().replaceFirst("^originTime: ", ""));
    }
    if (!(h.addAt() < h.removeAt() && h.removeAt() < 1)) {
      problems.at("addAt", "addAt and removeAt are fractions of the run with addAt < removeAt < 1, got "
          + h.addAt() + " and " + h.removeAt());
    }
  }

  @Override
  public FamilyRun run(RunContext context, Record plan) {
    return new HashingRunner(context, (HashingPlan) plan);
  }

  @Override
  public void report(ReportWriter report, FamilyResults family) throws IOException {
    new HashingSection(report, family).render();
  }

  @Override
  public StageFactory stages() {
    return new StageFactory() {
      @Override
      public Object options() {
        return new ShardOptions();
      }

      @Override
      public String defaultStrategy() {
        return "ring";
      }

      @Override
      public Built build(Request request) {
        if (!request.last()) {
          throw new IllegalArgumentException("the hashing stage answers every request itself (from its cache nodes or"
              + " their origin); put it last in the pipeline");
        }
        request.strategy().validate(request.params());
        ShardRouterStage.Config config = ((ShardOptions) request.options()).build(request.common());
        ConsistentHash ring = (ConsistentHash) request.strategy().create(request.params(), StrategyContext.system());
        return new Built(new ShardRouterStage(ring, request.strategy().name(), config),
            config.nodes() + " cache node(s)");
      }
    };
  }

  @Override
  public Object simulateCommand() {
    return new SimulateHashingCommand();
  }

  @Override
  public Object microCommand() {
    return new MicroHashingCommand();
  }
}
