package io.strategybench.family;

import io.strategybench.run.RunContext;
import java.util.function.BiFunction;

/**
 * A family's part of a suite run, as most families write it: the run context and the family's plan, whose load runs
 * last as long as {@code bench run --duration} says when it says so.
 *
 * @param <P> the family's plan
 */
public abstract class PlanRun<P extends Record> implements FamilyRun {
  protected final RunContext run;
  private final P planned;
  private final BiFunction<P, Integer, P> withLoadSeconds;

  /**
   * @param withLoadSeconds the plan with its load runs' measured seconds changed ({@code LbPlan::withLoadSeconds})
   */
  protected PlanRun(RunContext run, P planned, BiFunction<P, Integer, P> withLoadSeconds) {
    this.run = run;
    this.planned = planned;
    this.withLoadSeconds = withLoadSeconds;
  }

  /** The plan, with the load seconds of the command line when it gives them. */
  protected P plan() {
    return run.loadSecondsOverride() > 0 ? withLoadSeconds.apply(planned, run.loadSecondsOverride()) : planned;
  }
}
