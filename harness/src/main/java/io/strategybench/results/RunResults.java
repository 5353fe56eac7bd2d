package io.strategybench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The document written to {@code results.json}: one run of a suite, per family and strategy and lens.
 * Schema {@value #SCHEMA} version {@value #SCHEMA_VERSION}; field names are camelCase with units in them
 * ({@code p99Micros}, {@code throughputRps}). The file is rewritten after every finished step, so an
 * interrupted run leaves a valid document whose {@code status} says so.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class RunResults {
  public static final String SCHEMA = "strategybench/results";
  public static final int SCHEMA_VERSION = 2;

  /** Run states. */
  public static final String RUNNING = "running";
  public static final String COMPLETE = "complete";
  public static final String PARTIAL = "partial";
  public static final String INTERRUPTED = "interrupted";

  public String schema = SCHEMA;
  public int schemaVersion = SCHEMA_VERSION;
  public String suite;
  public String description;
  /** {@code running}, {@code complete}, {@code partial} (a step failed) or {@code interrupted}. */
  public String status = RUNNING;
  /**
   * The verdict of the whole run once it ended: {@code passed} (every check judged passed), {@code failed} (a
   * check failed), {@code inconclusive} (none failed, but load steps were limited by the machine and the checks
   * on them were not judged); null while running.
   */
  public String verdict;
  /** Load steps the machine limited, each with its reason ({@code load/lb/random: the host stole 14% ...}). */
  public List<String> inconclusive = new ArrayList<>();
  public String startedAt;
  /**
   * While {@code status} is {@code running}: the process running the suite, so that a run killed before it could
   * record its end is told from one in progress ({@link RunProcess#state}); null once the run ended, and in runs
   * from before it was recorded.
   */
  public RunProcess process;
  public String finishedAt;
  public double elapsedSeconds;
  public Map<String, Object> environment = new LinkedHashMap<>();
  public List<FamilyResults> families = new ArrayList<>();
  /**
   * The pipeline of stages the suite measured together (the API gateway): its stages, and each variant run (the
   * whole pipeline, then without each stage) with what every load step reports and each stage's added latency and
   * counters; null when the suite has none.
   */
  public Map<String, Object> pipeline;

  /** One family's results. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class FamilyResults {
    public String family;
    public String title;
    /** What each lens ran: backends, rates, durations, seeds. */
    public Map<String, Object> workload = new LinkedHashMap<>();
    /** Files of raw material relative to the run folder (JMH JSON, ...). */
    public Map<String, String> files = new LinkedHashMap<>();
    public List<StrategyResults> strategies = new ArrayList<>();
    /** Reference implementations measured in the same run (Guava's jump hash beside ours), when the family has one. */
    public Map<String, Object> reference;
    /**
     * Runs that compare modes of the family's stage rather than its strategies (the cache's write strategies and
     * protections, each measured with and without), by scenario name; null when the family has none.
     */
    public Map<String, Object> scenarios;
    /** Checks of the family as a whole (a protection measured against its absence). */
    public List<Check> checks = new ArrayList<>();
    /**
     * How this machine's capacity for the family's load was measured, and the rate used, when the suite gave its
     * load rate as a share of capacity; null otherwise.
     */
    public Map<String, Object> calibration;
    /** What failed for the family as a whole (a reference benchmark), per lens. */
    public List<String> errors = new ArrayList<>();

    public StrategyResults strategy(String name) {
      for (StrategyResults s : strategies) {
        if (s.strategy.equals(name)) {
          return s;
        }
      }
      return null;
    }
  }

  /** One strategy's results in each lens that ran. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static final class StrategyResults {
    public String strategy;
    public String source;
    public boolean plugin;
    /** What the strategy declares of itself ({@code window-exact}, {@code remote-state}, ...), sorted. */
    public List<String> characteristics = new ArrayList<>();
    public Map<String, String> parameters = new LinkedHashMap<>();
    /** JMH scores: {@code benchmarks: [{backends, threads, nsPerOp, nsPerOpError, opsPerSecond}]}. */
    public Map<String, Object> micro;
    /** The simulation's figures. */
    public Map<String, Object> simulate;
    /** The load run's figures: client latency (Gatling), server latency (HdrHistogram), throughput, family counters. */
    public Map<String, Object> load;
    public List<Check> checks = new ArrayList<>();
    /** What failed for this strategy, per lens. */
    public List<String> errors = new ArrayList<>();
  }

  /**
   * A check with its measured value and its verdict.
   *
   * @param name what must hold
   * @param lens where it was measured
   * @param passed whether it held ({@code verdict} is {@code passed}); false when it failed or was not judged
   * @param value the measured value
   * @param expected the condition, in words ({@code == 0})
   * @param verdict {@code passed}, {@code failed}, or {@code inconclusive}: not judged, because a load step it rests
   *     on was limited by the machine rather than the strategy
   * @param margin what the condition allows beyond the ideal, and why (one window's burst; none: an invariant)
   * @param steps the load steps (folders under {@code load/}) whose figures it reads; a check that rests on none is
   *     an invariant, judged whatever the machine did
   * @param reason why it was not judged, when it was not
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Check(String name, String lens, boolean passed, Object value, String expected, String verdict,
      String margin, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> steps, String reason) {
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String INCONCLUSIVE = "inconclusive";

    public Check {
      steps = steps == null ? List.of() : List.copyOf(steps);
      if (verdict == null) {
        verdict = passed ? PASSED : FAILED;
      }
    }

    /** A check judged on what it measured, resting on no load step (an invariant, or a simulation's figure). */
    public Check(String name, String lens, boolean passed, Object value, String expected) {
      this(name, lens, passed, value, expected, null, null, List.of(), null);
    }

    /** The same check, saying what margin its condition allows. */
    public Check margin(String text) {
      return new Check(name, lens, passed, value, expected, verdict, text, steps, reason);
    }

    /** The same check, resting on the figures of these load steps. */
    public Check on(List<String> loadSteps) {
      return new Check(name, lens, passed, value, expected, verdict, margin, loadSteps, reason);
    }

    /** The same check, not judged. */
    public Check notJudged(String why) {
      return new Check(name, lens, false, value, expected, INCONCLUSIVE, margin, steps, why);
    }

    public boolean failed() {
      return FAILED.equals(verdict);
    }

    public boolean inconclusive() {
      return INCONCLUSIVE.equals(verdict);
    }
  }

  public FamilyResults family(String name) {
    for (FamilyResults f : families) {
      if (f.family.equals(name)) {
        return f;
      }
    }
    return null;
  }
}
