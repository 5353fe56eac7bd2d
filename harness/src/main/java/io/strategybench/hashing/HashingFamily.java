package io.strategybench.hashing;

import io.strategybench.cli.OptionTable;
import io.strategybench.family.FamilyBase;
import io.strategybench.family.StageFactory;
import io.strategybench.strategy.Setting;
import io.strategybench.strategy.StrategyContext;
import java.util.List;
import java.util.Set;

/** The consistent-hashing family: which node owns each key, and how many keys move when nodes come and go. */
public final class HashingFamily extends FamilyBase<HashingPlan> {
  public HashingFamily() {
    super(ConsistentHash.FAMILY, 20, HashingPlan.class, SimulateHashingCommand::new, MicroHashingCommand::new,
        HashingRunner::new, HashingSection::new);
  }

  @Override
  protected void check(HashingPlan h, Problems problems) {
    // the ranges the simulation and JMH check when they run, so that a suite out of them stops before anything runs
    nodes("simulateNodes", h.simulateNodes(), problems);
    keys("simulateKeys", h.simulateKeys(), problems);
    nodes("vnodeSweepNodes", h.vnodeSweepNodes(), problems);
    keys("vnodeSweepKeys", h.vnodeSweepKeys(), problems);
    for (int i = 0; i < h.vnodeSweep().size(); i++) {
      int v = h.vnodeSweep().get(i);
      if (v >= 1 && (v < VNODES_MIN || v > VNODES_MAX)) {
        problems.at("vnodeSweep/" + i, "must be " + VNODES_MIN + ".." + VNODES_MAX + " (the vnodes of the ring"
            + " strategies), got " + v);
      }
    }
    for (int i = 0; i < h.nodeSweep().size(); i++) {
      nodes("nodeSweep/" + i, h.nodeSweep().get(i), problems);
    }
    keys("nodeSweepKeys", h.nodeSweepKeys(), problems);
    for (int i = 0; i < h.microNodes().size(); i++) {
      nodes("microNodes/" + i, h.microNodes().get(i), problems);
    }
    problems.serviceTime("originTime", h.originTime());
    if (!(h.addAt() < h.removeAt() && h.removeAt() < 1)) {
      problems.at("addAt", "addAt and removeAt are fractions of the run with addAt < removeAt < 1, got "
          + h.addAt() + " and " + h.removeAt());
    }
  }

  /** The range of the built-in ring strategies' vnodes, which the vnode sweep sets: from their settings. */
  private static final int VNODES_MIN;
  private static final int VNODES_MAX;

  static {
    double min = Double.NEGATIVE_INFINITY;
    double max = Double.POSITIVE_INFINITY;
    for (Class<?> settings : List.of(RingHash.Settings.class, BoundedLoadHash.Settings.class)) {
      try {
        Setting s = settings.getField("vnodes").getAnnotation(Setting.class);
        min = Math.max(min, s.min());
        max = Math.min(max, s.max());
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(e);
      }
    }
    VNODES_MIN = (int) Math.max(1, min);
    VNODES_MAX = (int) Math.min(Integer.MAX_VALUE, max);
  }

  private static void nodes(String field, long value, Problems problems) {
    String problem = HashingSimulator.nodesProblem(value);
    // below 1 is already reported as not positive
    if (problem != null && value >= 1) {
      problems.at(field, problem);
    }
  }

  private static void keys(String field, long value, Problems problems) {
    String problem = HashingSimulator.keysProblem(value);
    // below 1 is already reported as not positive
    if (problem != null && value >= 1) {
      problems.at(field, problem);
    }
  }

  @Override
  public Set<String> timedSimulateFigures() {
    return Set.of("lookupNanos", "buildMillis");
  }

  @Override
  public StageFactory stages() {
    return StageFactory.of("ring", () -> OptionTable.of(ShardOptions.class).bind(), request -> {
    if (!request.last()) {
      throw new IllegalArgumentException("the hashing stage answers every request itself (from its cache nodes or"
          + " their origin); put it last in the pipeline");
    }
    request.strategy().validate(request.params());
    ShardRouterStage.Config config = request.options(ShardOptions.class).build(request.common());
    ConsistentHash ring = (ConsistentHash) request.strategy().create(request.params(), StrategyContext.system());
    return new StageFactory.Built(new ShardRouterStage(ring, request.strategy().name(), config),
        config.nodes() + " cache node(s)");
    });
  }


}
