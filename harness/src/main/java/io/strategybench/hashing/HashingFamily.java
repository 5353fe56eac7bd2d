package io.strategybench.hashing;

import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.StrategyContext;
import java.util.Set;

/** The consistent-hashing family: which node owns each key, and how many keys move when nodes come and go. */
public final class HashingFamily extends FamilyBase<HashingPlan> {
  public HashingFamily() {
    super(ConsistentHash.FAMILY, 20, HashingPlan.class, SimulateHashingCommand::new, MicroHashingCommand::new,
        HashingRunner::new, HashingSection::new);
  }

  @Override
  protected void check(HashingPlan h, Problems problems) {
    problems.serviceTime("originTime", h.originTime());
    if (!(h.addAt() < h.removeAt() && h.removeAt() < 1)) {
      problems.at("addAt", "addAt and removeAt are fractions of the run with addAt < removeAt < 1, got "
          + h.addAt() + " and " + h.removeAt());
    }
  }

  @Override
  public Set<String> timedSimulateFigures() {
    return Set.of("lookupNanos", "buildMillis");
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("ring", ShardOptions::new, request -> {
    if (!request.last()) {
      throw new IllegalArgumentException("the hashing stage answers every request itself (from its cache nodes or"
          + " their origin); put it last in the pipeline");
    }
    request.strategy().validate(request.params());
    ShardRouterStage.Config config = ((ShardOptions) request.options()).build(request.common());
    ConsistentHash ring = (ConsistentHash) request.strategy().create(request.params(), StrategyContext.system());
    return new StageFactory.Built(new ShardRouterStage(ring, request.strategy().name(), config),
        config.nodes() + " cache node(s)");
    });
  }


}
