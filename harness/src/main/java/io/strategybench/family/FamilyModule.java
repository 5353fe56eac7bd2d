package io.strategybench.family;

import io.strategybench.report.ReportWriter;
import io.strategybench.results.RunResults.FamilyResults;
import io.strategybench.run.RunContext;
import io.strategybench.strategy.Family;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A family of strategies, with everything StrategyBench needs to run it, in one place: its strategy type, the
 * plan a suite gives it, the stages it puts in the target, its three lenses, its report section and its
 * {@code simulate} and {@code micro} commands. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.strategybench.family.FamilyModule}), built in or from a plugin jar, as strategies
 * are; the generic parts of StrategyBench (the server, the suite runner, the report, the command line, the
 * results) name no family.
 *
 * <p>The model is Hyperfoil's plugin SPI: a protocol is a plugin with its name, its configuration type and its run
 * data, and the core names none of them.
 */
public interface FamilyModule {
  /** The family: its name ({@code lb}), strategy interface, title and question. */
  Family<?> family();

  /** Where the family stands among the others: the order suites run them and reports show them (built-ins 10..40). */
  default int order() {
    return 100;
  }

  /**
   * The record a suite file gives under the family's name, field by field ({@code lb: {backends: 4, ...}});
   * components marked {@link io.strategybench.run.SuiteFiles.Optional} may be left out, and
   * {@link io.strategybench.run.SuiteFiles.Positive} and {@link io.strategybench.run.SuiteFiles.NonEmpty} are
   * checked for the family.
   */
  Class<? extends Record> planType();

  /**
   * Checks a plan beyond its types (ranges, named modes, distributions): each problem with the field it concerns,
   * relative to the plan ({@code serviceTime}, {@code stampede/1}).
   */
  default void validate(Record plan, Problems problems) {}

  /** The family's part of a suite run: its lenses over its strategies, as the plan says. */
  FamilyRun run(RunContext context, Record plan);

  /** The family's section of {@code report.html}: its tables, charts and checks. */
  void report(ReportWriter report, FamilyResults family) throws IOException;

  /** The stages the family puts in the target server ({@code bench serve}), or null when it has none. */
  default StageFactory stages() {
    return null;
  }

  /**
   * The family's {@code bench simulate NAME} command: a picocli-annotated object (a new one each call), or null.
   */
  default Object simulateCommand() {
    return null;
  }

  /** The family's {@code bench micro NAME} command: a picocli-annotated object (a new one each call), or null. */
  default Object microCommand() {
    return null;
  }

  /**
   * The figures of the family's simulate results (field names) measured on the wall clock, such as nanoseconds per
   * lookup: {@code bench compare} never counts their changes beyond noise, as it does any change of a figure the
   * seed fixes. None by default.
   */
  default Set<String> timedSimulateFigures() {
    return Set.of();
  }

  /** What {@code bench list} shows of the family beside its strategies (the cache's write strategies); none by default. */
  default List<Listing> listed() {
    return List.of();
  }

  /**
   * A list {@code bench list} shows under a family.
   *
   * @param key its key in {@code bench list --json} ({@code writeStrategies})
   * @param heading its heading in the table ({@code write strategies of the cache stage (serve --write-strategy)})
   * @param items each item's name and summary, in order
   */
  record Listing(String key, String heading, Map<String, String> items) {}

  /** Problems found in a plan, each at its field. */
  interface Problems {
    /** A problem with {@code field} (a path relative to the plan: {@code load/rate}, {@code stampede/1}). */
    void at(String field, String message);

    /** A problem at {@code field} unless {@code text} is a service-time distribution ({@code exp:20ms}). */
    default void serviceTime(String field, String text) {
      try {
        io.strategybench.backend.ServiceTime.parse(text, field);
      } catch (IllegalArgumentException e) {
        at(field, e.getMessage().replaceFirst("^\\Q" + field + "\\E: ", ""));
      }
    }
  }
}
