package io.strategybench.cli;

import io.strategybench.strategy.StrategyRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
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
  }

  /** A family's {@code bench micro NAME}: its strategies, threads and JMH's settings in {@link #micro}. */
  public abstract static class Micro extends FamilyCommand {
    @Mixin
    protected MicroOptions micro;
  }

  /** {@code bench simulate} and {@code bench micro}: the commands that hold the family subcommands. */
  interface Parent {
    StrategyRegistry registry();
  }
}
