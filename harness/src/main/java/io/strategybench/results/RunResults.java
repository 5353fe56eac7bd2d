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
  public static final int SCHEMA_VERSION = 1;

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
  public String startedAt;
  public String finishedAt;
  public double elapsedSeconds;
  public Map<String, Object> environment = new LinkedHashMap<>();
  public List<FamilyResults> families = new ArrayList<>();

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
   * A check with its measured value.
   *
   * @param name what must hold
   * @param lens where it was measured
   * @param passed whether it held
   * @param value the measured value
   * @param expected the condition, in words ({@code == 0})
   */
  public record Check(String name, String lens, boolean passed, Object value, String expected) {}

  public FamilyResults family(String name) {
    for (FamilyResults f : families) {
      if (f.family.equals(name)) {
        return f;
      }
    }
    return null;
  }
}
