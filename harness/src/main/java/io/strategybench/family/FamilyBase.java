package io.strategybench.family;

import io.strategybench.report.FamilySection;
import io.strategybench.report.ReportWriter;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.run.RunContext;
import io.strategybench.strategy.Family;
import java.io.IOException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A {@link FamilyModule} as most families write it: the family, its order and its plan type given once, the plan
 * typed in {@link #check}, its runner and its report section given as constructors.
 *
 * @param <P> the family's plan
 */
public abstract class FamilyBase<P extends Record> implements FamilyModule {
  private final Family<?> family;
  private final int order;
  private final Class<P> planType;
  private final Supplier<Object> simulate;
  private final Supplier<Object> micro;
  private final BiFunction<RunContext, P, FamilyRun> runner;
  private final BiFunction<ReportWriter, FamilyResults, FamilySection> section;

  /**
   * @param simulate a new {@code bench simulate NAME} command each call, or null
   * @param micro a new {@code bench micro NAME} command each call, or null
   * @param runner the family's part of a suite run, for a plan
   * @param section the family's section of the report
   */
  protected FamilyBase(Family<?> family, int order, Class<P> planType, Supplier<Object> simulate,
      Supplier<Object> micro, BiFunction<RunContext, P, FamilyRun> runner,
      BiFunction<ReportWriter, FamilyResults, FamilySection> section) {
    this.runner = runner;
    this.section = section;
    this.family = family;
    this.order = order;
    this.planType = planType;
    this.simulate = simulate;
    this.micro = micro;
  }

  @Override
  public final Object simulateCommand() {
    return simulate == null ? null : simulate.get();
  }

  @Override
  public final Object microCommand() {
    return micro == null ? null : micro.get();
  }

  @Override
  public final Family<?> family() {
    return family;
  }

  @Override
  public final int order() {
    return order;
  }

  @Override
  public final Class<? extends Record> planType() {
    return planType;
  }

  @Override
  public final void validate(Record plan, Problems problems) {
    check(planType.cast(plan), problems);
  }

  /** Checks the plan beyond its types; nothing by default. */
  protected void check(P plan, Problems problems) {}

  @Override
  public final FamilyRun run(RunContext context, Record plan) {
    return runner.apply(context, planType.cast(plan));
  }

  @Override
  public final void report(ReportWriter report, FamilyResults results) throws IOException {
    section.apply(report, results).render();
  }
}
