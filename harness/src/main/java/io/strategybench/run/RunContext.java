package io.strategybench.run;

import io.strategybench.results.RunResults;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.results.RunResults.StrategyResults;
import io.strategybench.strategy.Family;
import io.strategybench.strategy.StrategyDescriptor;
import io.strategybench.strategy.StrategyRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * What a family's part of a suite run may use: the strategies the user chose, the lenses the suite wants, the
 * results (kept current after every step, so an interrupted run keeps what finished), the progress line, and the
 * machinery every family shares: load steps, calibration, the micro lens.
 */
public interface RunContext {
  StrategyRegistry registry();

  /** The run's folder. */
  Path folder();

  /** Global {@code bench} arguments that make a forked target load the same plugins. */
  List<String> pluginArgs();

  Progress progress();

  /** The results; change them only while holding their monitor ({@code synchronized (context.results())}). */
  RunResults results();

  /** Whether the suite runs {@code lens} ({@code simulate}, {@code micro}, {@code load}). */
  boolean wants(String lens);

  /** The family's strategies the user chose: all when none were named, else those of the names in this family. */
  <T> List<StrategyDescriptor<T>> chosen(Family<T> family);

  /** Measured seconds of every load run, given on the command line; 0 keeps the plan's. */
  int loadSecondsOverride();

  /** The load's arrival profile: {@code constant} or {@code ramp}. */
  String profile();

  /** Adds the family, with a record for each chosen strategy, to the results and saves them. */
  FamilyResults addFamily(Family<?> family, Map<String, Object> workload, List<? extends StrategyDescriptor<?>> chosen)
      throws IOException;

  /** Writes the results as they are now. */
  void save() throws IOException;

  /** Records that {@code s} failed in {@code lens}; the run goes on. */
  void fail(StrategyResults s, String lens, Exception e);

  /** Records that the family as a whole failed in {@code lens} (its calibration, a reference benchmark). */
  void familyFailed(FamilyResults family, String lens, Exception e);

  /**
   * Records that the family's reference benchmark failed, unless the run was interrupted: in the family's errors
   * and on the progress line ({@code the <what> reference benchmark failed}); the run goes on.
   */
  default void referenceFailed(FamilyResults family, String what, Exception e) {
    if (!isInterrupted()) {
      synchronized (results()) {
        family.errors.add("micro reference: " + e.getMessage());
      }
      progress().note("        the " + what + " reference benchmark failed: " + e.getMessage());
    }
  }

  /** Unwinds the run when it has been interrupted (Ctrl-C): call between steps. */
  void stopIfInterrupted();

  boolean isInterrupted();

  /**
   * The micro lens of a family, strategy by strategy: each one's scores and JMH JSON
   * ({@code micro/jmh-<family>-<strategy>.json}) into its results, a failure into its errors; saved after each.
   *
   * @param stepSeconds the estimate of one forked run, for the progress line
   */
  void microEach(FamilyResults family, List<String> strategies, double stepSeconds, MicroMeasure measure)
      throws IOException;

  /**
   * One lens of a family, strategy by strategy: each a step of the progress line ({@code <label> <name> (i/n)}),
   * a failure recorded in that strategy's errors for {@code lens}, the results saved after each.
   *
   * @param items the strategies, as descriptors or names ({@code nameOf} gives each one's name)
   * @param seconds the estimate of each step, for the progress line
   */
  default <T> void eachStrategy(FamilyResults family, String lens, String label, List<T> items,
      Function<T, String> nameOf, ToDoubleFunction<T> seconds, StrategyStep<T> step)
      throws IOException, InterruptedException {
    int i = 0;
    for (T item : items) {
      String name = nameOf.apply(item);
      stopIfInterrupted();
      progress().step(String.format("%s %s (%d/%d)", label, name, ++i, items.size()), seconds.applyAsDouble(item));
      StrategyResults s = family.strategy(name);
      try {
        step.run(item, s);
      } catch (IOException | RuntimeException e) {
        fail(s, lens, e);
      }
      save();
    }
  }

  /** One strategy's step of {@link #eachStrategy}: its results go into {@code s}, under the results' monitor. */
  interface StrategyStep<T> {
    void run(T strategy, StrategyResults s) throws IOException, InterruptedException;
  }

  /** JMH of one strategy, its JSON written to {@code json}; {@code step} receives a line per forked run. */
  interface MicroMeasure {
    List<MicroLens.Score> run(String strategy, Path json, Consumer<String> step) throws IOException;
  }

  /**
   * The family's load rate in requests per second: the plan's, or its share of the capacity a calibration ramp
   * measures on this machine (once per family and run; recorded in the family's results).
   */
  double loadRate(FamilyResults family, Rate rate, Supplier<Calibration.Setup> setup)
      throws IOException, InterruptedException;

  /** Begins a load step in {@code work}, labelled {@code label} on the progress line. */
  LoadStep loadStep(String label, Path work) throws IOException, InterruptedException;

  /**
   * Gatling's properties every steady load run sets: the target's URL, the rate in requests per second, the
   * measured and warm-up seconds, and the run's arrival profile.
   */
  default Map<String, String> loadProperties(TargetProcess target, double rate, int seconds, int warmupSeconds) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("target.url", target.url());
    properties.put("rate", String.valueOf(rate));
    properties.put("duration", String.valueOf(seconds));
    properties.put("warmup", String.valueOf(warmupSeconds));
    properties.put("profile", profile());
    return properties;
  }

  /** The raw material of a load run, relative to the run folder. */
  Map<String, String> loadFiles(GatlingRun.Result gatling, Path work);
}
