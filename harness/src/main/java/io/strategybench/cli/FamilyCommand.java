package io.strategybench.cli;

import io.strategybench.server.Json;
import io.strategybench.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A family's {@code bench simulate NAME} or {@code bench micro NAME} command: what every one of them needs from the
 * command line it runs in. A family module returns a new subclass from {@code simulateCommand()} or
 * {@code microCommand()}; its options are its own, plus {@link SimulateOptions} or {@link MicroOptions} as a mixin.
 */
public abstract class FamilyCommand implements Callable<Integer> {
  @Spec
  protected CommandSpec spec;

  /** Every strategy, built in and from plugins, as the parent command loaded them. */
  protected StrategyRegistry registry() {
    return ((Parent) spec.parent().userObject()).registry();
  }

  /** Where the command prints its results. */
  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** A family's {@code bench simulate NAME}: its strategies and their parameters in {@link #options}. */
  public abstract static class Simulate extends FamilyCommand {
    @Mixin
    protected SimulateOptions options;

    private int shown;

    /** Says on the terminal what is being simulated (never with --json, nor into a pipe). */
    protected void progress(String format, Object... args) {
      if (System.console() != null && !options.json) {
        String line = String.format(format, args);
        System.err.print("\r" + line + " ".repeat(Math.max(0, shown - line.length())));
        shown = Math.max(shown, line.length());
      }
    }

    /**
     * Prints the results: with --json one document (the family, the workload's fields, the results), else the
     * table; then exits 0.
     */
    protected int print(Map<String, Object> workload, List<?> results, Consumer<PrintWriter> table) {
      if (shown > 0) {
        System.err.print("\r" + " ".repeat(shown) + "\r");
        shown = 0;
      }
      PrintWriter out = out();
      if (options.json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("family", spec.name());
        doc.putAll(workload);
        doc.put("results", results);
        out.println(Json.write(doc));
      } else {
        table.accept(out);
      }
      out.flush();
      return Bench.EXIT_OK;
    }
  }

  /** A family's {@code bench micro NAME}: its strategies, threads and JMH's settings in {@link #micro}. */
  public abstract static class Micro extends FamilyCommand {
    @Mixin
    protected MicroOptions micro;
  }

  /**
   * {@code bench simulate} and {@code bench micro}: the commands that hold the family subcommands; run without one,
   * they name the valid families.
   */
  abstract static class Parent implements Runnable {
    @ParentCommand
    Bench bench;

    @Spec
    CommandSpec spec;

    /** Every strategy, built in and from plugins. */
    StrategyRegistry registry() {
      return bench.registry();
    }

    /** What the command does to a family: "simulate", "benchmark". */
    abstract String verb();

    @Override
    public void run() {
      throw new ParameterException(spec.commandLine(),
          "name a family to " + verb() + "; valid names: " + String.join(", ", Bench.familyNames(spec)));
    }
  }
}
